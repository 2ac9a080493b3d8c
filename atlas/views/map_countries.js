// The five states' shading follows the year slider and Play (atlas/views/countryyears.py sends,
// per state and year, the facts counted): the count measure counts the facts up to the year in
// the key's classes; the leading-power measure takes the power in most of them (a tie: the first
// code in alphabetical order). Without a year, the shading of all years, as drawn. Names and
// labels in the data are HTML-escaped on the server (they reach tooltips as HTML).
function atlasUpTo(pairs, y) {
  var n = 0;
  for (var i = 0; i < pairs.length && pairs[i][0] <= y; i++) { n += pairs[i][1]; }
  return n;
}

function atlasCountColor(n, cy) {
  if (n <= 0 || !cy.bins.length) { return cy.no_data; }
  var idx = 0;
  for (var i = 0; i < cy.bins.length; i++) { if (n >= cy.bins[i]) { idx = i; } }
  return cy.palette[cy.palette.length - cy.bins.length + idx];
}

function atlasShadeCountries(y) {
  var cy = ATLAS_COUNTRY_YEARS, g = window.atlasCountryLayer;
  if (!cy || !g) { return; }
  g.eachLayer(function(l) {
    var p = l.feature.properties, fill = p.fill, label = p.label;
    if (!p.ca) { return; }
    if (y !== null) {
      if (cy.measure === 'facts') {
        var n = atlasUpTo(cy.counts[p.iso_a3] || [], y);
        fill = atlasCountColor(n, cy);
        label = n + ' fact' + (n === 1 ? '' : 's') + ' dated up to ' + y + ' — click to filter';
      } else {
        var byPower = cy.counts[p.iso_a3] || {}, best = null, most = 0;
        Object.keys(byPower).sort().forEach(function(code) {
          var k = atlasUpTo(byPower[code], y);
          if (k > most) { best = code; most = k; }
        });
        fill = best ? cy.colors[best] : cy.no_data;
        label = best ? 'Leading outside power up to ' + y + ': ' + cy.names[best] + ' (' + most + ' facts)'
                     : 'No outside power in the facts dated up to ' + y;
      }
    }
    l.setStyle({fillColor: fill});
    l.setTooltipContent('<b>' + p.name + '</b>' + (label ? '<br>' + label : ''));
    l._atlasShade = fill;  // read by the page's browser test
  });
}
