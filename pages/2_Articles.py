"""The reader: an article with its mentions and the evidence of its facts highlighted."""
from ui.page import page_setup
from ui.views import article_choice, reader_view

page_setup("Articles")
article_id = article_choice()
if article_id:
    reader_view(article_id)
