"""Personal names that are also place names somewhere (hand list, English-language news).

Used twice: the gazetteer build drops them as *alternate* names of places (GeoNames lists
"Adams" for a town in China, "Human" for Uman), and at extraction a place whose own
name is one of them needs place context (a locative word before it, or ", State" after
it) and no person context ("Mary Smith", "said Mary", "St. Marys").
"""
from __future__ import annotations

FIRST_NAMES = set("""
aaron adam adrian alan albert alex alexander alexandra alexis alice alicia allison alma amanda amber amelia amy
andrea andrew angela anita ann anna anne annie anthony april arthur ashley audrey austin barbara beatrice ben
benjamin bernard beth betty beverly bill billy bob bonnie brandon brenda brian brittany brooke bruce bryan
caleb cameron carl carla carlos carmen carol caroline carolyn carter catherine cecil chad charles charlie
charlotte chelsea cheryl chester chloe chris christian christina christine christopher cindy claire clara
clifford clinton cody colin connie craig crystal cynthia daisy dale dallas dan daniel danielle darlene darren
david dawn dean deborah debra delia denise dennis derek diana diane dolores donald donna doris dorothy douglas
dylan earl edgar edith edna edward eileen elaine eleanor elena eli elijah elizabeth ella ellen elmer elsie
emily emma eric erica erin ernest esther ethan eugene eva evan evelyn faith florence frances francis frank
franklin fred frederick gabriel gail gary gene george georgia gerald gilbert glen glenda gloria grace
gregory guy hailey hannah harold harriet harry hazel heather helen henry herbert holly hope howard hugh ian
irene isaac isabel isabella ivan jack jackie jackson jacob jacqueline jake james jamie jane janet janice jared
jason jean jeff jeffrey jennifer jenny jeremy jerome jerry jesse jessica jill jim jimmy joan joann joe joel john
johnny jonathan jordan jose joseph josephine joshua joy joyce juan judith judy julia julian julie june justin
karen kate katherine kathleen kathryn katie kay keith kelly kenneth kent kevin kim kimberly kyle lance larry
laura lauren lawrence leah lee leo leon leonard leslie lillian lily linda lindsay lisa lloyd logan lois lorraine
louis louise lucas lucy luis luke lydia lynn madison mabel marcus margaret maria marian marie marilyn mario
marion marjorie mark marsha martha martin marvin mary mason matthew maureen max maxine megan melanie melissa
melvin michael michelle mildred milton miriam molly monica morgan myrtle nancy naomi natalie nathan neil
nellie nicholas nicole noah norma norman olive oliver olivia oscar owen pamela patricia patrick paul paula
pauline pearl peggy penny peter philip phillip phyllis rachel ralph randall randy ray raymond rebecca regina
rene rhonda richard rick rita robert roberta robin rodney roger ronald rosa rose roy ruby russell ruth ryan
sally samantha samuel sandra sara sarah scott sean shane sharon shawn sheila shelby shelley shirley sidney
sophia stacy stanley stella stephanie stephen steve steven sue susan sydney sylvia tamara tammy tara
taylor ted teresa terry theodore theresa thomas tiffany timothy tina todd tom tommy tony tracy travis troy
tyler valerie vanessa vera vernon veronica vicki victor victoria vincent virginia vivian walter wanda warren
wayne wendy wesley william willie wilma zachary
""".split())

SURNAMES = set("""
adams alexander allen anderson bailey baker barnes bell bennett brooks brown bryant butler campbell carter
clark coleman collins cook cooper cox cruz davis diaz edwards evans fisher flores foster garcia gibson gomez
gonzalez gordon graham gray green griffin hall hamilton harris harrison hayes henderson hernandez hill howard
hughes jackson james jenkins johnson jones jordan kelly kennedy king lee lewis long lopez manning marshall
martin martinez mason mcdonald miller mitchell moore morgan morris murphy murray myers nelson owens parker
patterson perez perry peterson phillips powell price ramirez reed reynolds richardson rivera roberts robinson
rodriguez rogers ross russell sanchez sanders scott simmons smith stewart sullivan taylor thomas thompson
torres turner walker wallace ward washington watson white williams wilson wood wright young
""".split())

PERSON_NAMES = FIRST_NAMES | SURNAMES

# Given names common in Central Asian, Russian and German news that are also places somewhere
# (Madina/Madinah, Lola in Guinea, Serdar, Karina/Karin = Erzurum, Sofia): a hand list, used only
# at extraction (the gazetteer build keeps these alternates: "София" is still Sofia after "в").
GIVEN_NAMES_LATIN = set("""
aziz timur rustam nurlan madina dinara aigul gulnara bakhyt kairat marat ruslan farrukh sardor jamshid dilshod
bobur sherzod ulugbek otabek askar daniyar erlan yerlan bolat almaz aibek azamat bakyt emil sadyr temir asel
aizada zarina leila leyla lola malika nodira saida shahnoza alisher akmal anvar bakhtiyor islam karim serdar
batyr myrat maral kassym berik serik abay kanat yerzhan arman samat murat aida elvira regina tamara nina galina
zoya valentina vera nadia nadezhda lyubov karina sabina zhanna svetlana olga irina tatiana natalia daria sofia
kamila oleg igor ivan pavel boris gleb denis artem artyom mikhail marina alina kristina anna lena emma paula jana
leonie hermann friedrich olaf annalena karl ludwig heinrich otto gustav moritz greta frieda elias luca felix
jonas leon ben mia ida marie sophie hanna elisabeth
""".split())
GIVEN_NAMES_CYRILLIC = """
Азиз Тимур Рустам Нурлан Мадина Динара Айгуль Гульнара Бахыт Кайрат Марат Руслан Фаррух Сардор Жамшид Дильшод
Бобур Шерзод Улугбек Отабек Аскар Данияр Ерлан Болат Алмаз Айбек Азамат Бакыт Эмиль Садыр Темир Асель Зарина
Лейла Лола Малика Саида Алишер Акмал Анвар Бахтиёр Ислам Карим Сердар Батыр Мурат Серик Берик Абай Канат Арман
Самат Анна Марина Алина Кристина Татьяна Светлана Ольга Ирина Елена Наталья Дарья София Камила Олег Игорь Иван
Павел Борис Глеб Денис Артем Артём Михаил Вера Надежда Любовь Карина Сабина Жанна Аида Эльвира Диана Регина
Тамара Нина Галина Зоя Валентина Виктория Александра Людмила Майя Роза Мира Максим Георгий Николай Алексей
Сергей Андрей Юрий Антон Кирилл Ильяс Тахир Елизавета Мария Екатерина Полина Ксения Милана Амина Ясмина
""".split()
