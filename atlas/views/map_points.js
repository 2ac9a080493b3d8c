// The map's point markers (atlas/views/mappoints.py makes the records, atlas/views/maps.py embeds this file).
// One cluster group (atlas/views/map_cluster.js) holds every point of every point layer, so no two
// markers come closer than the cluster radius at any zoom; the layer list's entries for the point
// layers are empty placeholder groups whose add/remove puts their markers in or out of it.
// Colour = the fact's first outside power, shape = its fact type. Strings in the records
// are HTML-escaped on the server (they reach tooltips as HTML).
var ATLAS_YEAR = null;  // the year slider: facts dated up to the end of this year (null: all)
var atlasCluster = null, atlasByLayer = [], atlasPlaceholders = [], atlasFocusGroup = null, atlasRoutes = null;
var atlasById = {}, atlasIcons = {};
// For the page's tests and benchmarks: 'loading' until every point is inside the cluster group.
// ms: milliseconds since this frame opened at each step (shell, fetched, drawn, ready).
window.atlasPointsState = {state: 'loading', url: '', facts: 0, markers: 0, lines: 0, ms: {}};
function atlasMark(step) { window.atlasPointsState.ms[step] = Math.round(performance.now()); }

function atlasShapeSvg(shape, size, fill, stroke, fo, sw, dash, ring) {
  var pad = sw + 1 + (ring ? 3 : 0), box = size + 2 * pad, st = 'fill="' + fill + '" fill-opacity="' + fo +
      '" stroke="' + stroke + '" stroke-width="' + sw + '"' + (dash ? ' stroke-dasharray="' + dash + '"' : '');
  var body;
  if (!shape || shape === 'circle') {
    body = '<circle cx="' + box / 2 + '" cy="' + box / 2 + '" r="' + size / 2 + '" ' + st + '/>';
  } else {
    body = '<polygon points="' + shape.map(function(p) { return (pad + p[0] * size).toFixed(1) + ',' +
        (pad + p[1] * size).toFixed(1); }).join(' ') + '" ' + st + '/>';
  }
  if (ring) { body = '<circle cx="' + box / 2 + '" cy="' + box / 2 + '" r="' + (box / 2 - 1.5) +
      '" fill="none" stroke="#000" stroke-width="3"/>' + body; }
  return {html: '<svg width="' + box + '" height="' + box + '" viewBox="0 0 ' + box + ' ' + box + '">' + body +
      '</svg>', box: box};
}

// Icons are shared between markers that look alike: 100,000 markers, a few hundred icons.
function atlasIcon(d, rec, focused) {
  var k = [rec.n > 1 || !rec.id ? 'cell' + rec.n : rec.origin, rec.shape, rec.power, rec.r, rec.hollow, focused].join('|');
  return atlasIcons[k] || (atlasIcons[k] = atlasMakeIcon(d, rec, focused));
}

function atlasMakeIcon(d, rec, focused) {
  var c = d.colors[rec.power] || '#9e9e9e', shape = d.shapes[rec.shape], s;
  if (rec.n > 1 || !rec.id) {  // a grid cell of many facts (above the point limit)
    s = Math.min(30, 8 + 3 * Math.log2(rec.n));
    s = atlasShapeSvg('circle', s, '#607d8b', '#37474f', 0.5, 1, '', false);
  } else if (rec.origin === 'dataset') {
    s = atlasShapeSvg(shape, Math.max(8, 2 * rec.r), c, c, rec.hollow ? 0.05 : 0.55, 1.5, '', focused);
  } else if (rec.origin === 'curated') {
    s = atlasShapeSvg(shape, 14, c, '#222', 0.95, 1.2, '', focused);
  } else {
    s = atlasShapeSvg(shape, 13, c, c, 0.15, 2, '2 2', focused);
  }
  return L.divIcon({html: s.html, className: 'atlas-mk', iconSize: [s.box, s.box], iconAnchor: [s.box / 2, s.box / 2]});
}

function atlasRecord(d, r) {
  var f = d.fields, o = {};
  for (var i = 0; i < f.length; i++) { o[f[i]] = r[i]; }
  return o;
}

// The cluster's icon: a ring split by outside power (facts, not markers), the count inside.
function atlasClusterIcon(cluster) {
  var d = ATLAS_POINTS, byPower = {}, ids = {}, total = 0;
  cluster.getAllChildMarkers().forEach(function(m) {
    var rec = m._atlasRec;
    if (rec.id) { if (ids[rec.id]) { return; } ids[rec.id] = 1; }
    byPower[rec.power] = (byPower[rec.power] || 0) + rec.n; total += rec.n;
  });
  var keys = Object.keys(byPower).sort(function(a, b) { return byPower[b] - byPower[a]; });
  var size = Math.round(Math.min(52, 26 + 7 * Math.log10(total))), r = size / 2, inner = r * 0.62, a0 = -Math.PI / 2;
  var parts = keys.map(function(k) {
    var c = d.colors[k] || '#9e9e9e';
    if (keys.length === 1) { return '<circle cx="' + r + '" cy="' + r + '" r="' + r + '" fill="' + c + '"/>'; }
    var a1 = a0 + 2 * Math.PI * byPower[k] / total, large = a1 - a0 > Math.PI ? 1 : 0;
    var p = 'M' + r + ',' + r + ' L' + (r + r * Math.cos(a0)).toFixed(2) + ',' + (r + r * Math.sin(a0)).toFixed(2) +
        ' A' + r + ',' + r + ' 0 ' + large + ' 1 ' + (r + r * Math.cos(a1)).toFixed(2) + ',' +
        (r + r * Math.sin(a1)).toFixed(2) + ' Z';
    a0 = a1;
    return '<path d="' + p + '" fill="' + c + '"/>';
  }).join('');
  var title = total + ' facts: ' + keys.map(function(k) { return (d.names[k] || k) + ' ' + byPower[k]; }).join(', ');
  var html = '<div class="atlas-cl" title="' + title + '" data-split="' + keys.map(function(k) {
      return k + ':' + byPower[k]; }).join(',') + '"><svg width="' + size + '" height="' + size + '">' + parts +
      '<circle cx="' + r + '" cy="' + r + '" r="' + inner + '" fill="#fff" fill-opacity="0.92"/>' +
      '<text x="' + r + '" y="' + r + '" dy="0.35em" text-anchor="middle" font-size="' +
      (total > 999 ? 10 : 12) + '" font-weight="700" font-family="sans-serif" fill="#111">' + total +
      '</text></svg></div>';
  return L.divIcon({html: html, className: 'atlas-cluster', iconSize: L.point(size, size)});
}

function atlasMarkerFocus(m) {
  if (atlasFocused && atlasFocused !== m) { atlasUnfocus(atlasFocused); }
  m.setIcon(atlasIcon(ATLAS_POINTS, m._atlasRec, true)); m.setZIndexOffset(5000);
  atlasFocused = m;
}

function atlasUnfocus(l) {
  if (l._atlasRec) { l.setIcon(atlasIcon(ATLAS_POINTS, l._atlasRec, false)); l.setZIndexOffset(l._atlasZ); }
  else if (l._atlasBase) { l.setStyle(l._atlasBase); }
}

function atlasVisible(rec) { return ATLAS_YEAR === null || (rec.year !== null && rec.year <= ATLAS_YEAR); }

// Put the markers of the layers switched on, and dated up to the chosen year, in the clusters
// (the hierarchy is built anew for them: a Play step or a layer switched off).
function atlasRefresh(map, done) {
  var want = [];
  atlasByLayer.forEach(function(ms, k) {
    if (!map.hasLayer(atlasPlaceholders[k])) { return; }
    ms.forEach(function(m) { if (atlasVisible(m._atlasRec)) { want.push(m); } });
  });
  atlasCluster.setMarkers(want, done);
  atlasFocusGroup.eachLayer(function(m) {
    var on = atlasVisible(m._atlasRec) && map.hasLayer(atlasPlaceholders[m._atlasRec.layer]);
    m.setOpacity(on ? 1 : 0);
  });
}

// The year slider and Play (ui/views.py): runs in the map's window, no redraw of the map.
function atlasYear(y) {
  ATLAS_YEAR = (y === null || y === undefined) ? null : +y;
  var map = window.map;
  if (!map || !atlasCluster) { return; }
  atlasRefresh(map);
  atlasFilterRoutes();
  atlasShadeCountries(ATLAS_YEAR);
}

function atlasFilterRoutes() {
  (window.atlasRouteLayers || []).forEach(function(g) {
    if (!g._atlasAll) { g._atlasAll = g.getLayers(); }
    g._atlasAll.forEach(function(l) {
      var p = l.feature && l.feature.properties || {};
      var on = ATLAS_YEAR === null || (p.year !== null && p.year !== undefined && p.year <= ATLAS_YEAR);
      if (on && !g.hasLayer(l)) { g.addLayer(l); } else if (!on && g.hasLayer(l)) { g.removeLayer(l); }
    });
  });
}

function atlasPoints(map, d, placeholders, routes) {
  atlasPlaceholders = placeholders;
  atlasRoutes = routes;
  atlasByLayer = placeholders.map(function() { return []; });
  atlasCluster = new AtlasClusterGroup({radius: d.radius, iconCreateFunction: atlasClusterIcon,
                                        spiderLegPolylineOptions: {weight: 1.5, color: '#555'}});
  // One click opens a small cluster (or one at a single spot) into its facts; a big one zooms in.
  atlasCluster.on('clusterclick', function(e) {
    var c = e.layer, b = c.getBounds();
    if (c.getChildCount() <= d.spiderfy || map.getZoom() >= map.getMaxZoom() || b.getNorthEast().equals(b.getSouthWest())) {
      c.spiderfy();
    } else { c.zoomToBounds({padding: [30, 30]}); }
  });
  atlasFocusGroup = L.featureGroup();  // a feature group passes its markers' clicks on to the page
  // A marker's tooltip is made when first needed, not for all 100,000 up front.
  [atlasCluster, atlasFocusGroup].forEach(function(g) {
    g.on('click', function(e) { if (e.layer._atlasRec && e.layer._atlasRec.id) { atlasMarkerFocus(e.layer); } });
    g.on('mouseover', function(e) { if (e.layer._atlasRec && !e.layer.getTooltip()) { atlasTooltip(d, e.layer).openTooltip(); } });
  });
  map.addLayer(atlasCluster);
  map.addLayer(atlasFocusGroup);
  map.on('overlayadd overlayremove', function() { atlasRefresh(map); });
  atlasMark('shell');
  if (d.rows) { atlasDraw(map, d, d.rows, null); return; }
  window.atlasPointsState.url = d.url;
  atlasSay(map, 'Loading the facts…');
  atlasFetch(map, d, d.url);
}

// One line in the map's corner while the points load, or why they did not (plain text, never HTML).
var atlasNote = null;
function atlasSay(map, text) {
  if (!atlasNote) {
    atlasNote = L.control({position: 'bottomright'});
    atlasNote.onAdd = function() { var el = L.DomUtil.create('div', 'atlas-points-note');
      el.style.cssText = 'background:rgba(255,255,255,.92);color:#222;padding:3px 8px;border-radius:4px;font:12px sans-serif;max-width:320px';
      return el; };
    atlasNote.addTo(map);
  }
  var el = atlasNote.getContainer();
  el.textContent = text || '';
  el.style.display = text ? '' : 'none';
}

// The points resource (atlas/views/pointdata.py): cached by the browser under its URL, which
// names the store version and the filters. 404: the store changed since this map was drawn,
// so ask the page for a new map (it reruns and names the current version's URL).
function atlasFetch(map, d, url) {
  fetch(url, {credentials: 'same-origin'}).then(function(resp) {
    if (resp.status === 404) { atlasAskForNewMap(url); throw new Error('stale'); }
    if (!resp.ok) { throw new Error('HTTP ' + resp.status); }
    return resp.json();
  }).then(function(doc) {
    atlasMark('fetched');
    if (doc.fields.join() !== d.fields.join()) { throw new Error('unexpected record fields'); }
    atlasDraw(map, d, doc.rows, doc.routes);
  }).catch(function(err) {
    var why = String(err && err.message || err);
    window.atlasPointsState.state = 'error';
    window.atlasPointsState.error = why;
    atlasSay(map, why === 'stale' ? 'The atlas changed: drawing the map again…'
                                  : "The map's facts could not be loaded (" + why + '). Reload the page to try again.');
  });
}

function atlasAskForNewMap(url) {
  if (window.atlasAskedFor === url) { return; }  // once per URL: never a loop of reruns
  window.atlasAskedFor = url;
  // Streamlit's component protocol: this frame's value changes, so the page's script reruns.
  window.parent.postMessage({isStreamlitMessage: true, type: 'streamlit:setComponentValue',
                             value: {atlas_stale_points: url}, dataType: 'json'}, '*');
}

function atlasDraw(map, d, rows, routes) {
  var ids = {}, lines = 0;
  d.rows = rows;  // every record drawn, as if it had come inside the map (tests read them here)
  rows.forEach(function(r) {
    var rec = atlasRecord(d, r), z = rec.origin === 'dataset' ? -1000 : (rec.origin === 'curated' ? 1000 : 500);
    var m = new AtlasMarker([rec.lat, rec.lon], {icon: atlasIcon(d, rec, false), zIndexOffset: z, keyboard: false,
                                          riseOnHover: true});
    m._atlasRec = rec; m._atlasZ = z;
    if (rec.id) {
      ids[rec.id] = 1;
      if (!atlasById[rec.id]) { atlasById[rec.id] = m; }
    }
    if (rec.id && rec.id === ATLAS_FOCUS) {  // chosen by a search or a link: drawn on top, never hidden in a cluster
      atlasFocusGroup.addLayer(m);
      setTimeout(function() { atlasMarkerFocus(m); }, 0);
    } else { atlasByLayer[rec.layer].push(m); }
  });
  if (routes && atlasRoutes) {
    atlasRoutes.addData(routes);
    atlasRoutes._atlasAll = null;  // the year filter's list of lines (atlasYear) is made anew
  }
  if (atlasRoutes) {  // fetched just now, or inside the map (ATLAS_MAP_POINTS=inline)
    atlasRoutes.eachLayer(function(l) {
      var p = l.feature && l.feature.properties;
      if (p && p.id) { ids[p.id] = 1; lines++; if (!atlasById[p.id]) { atlasById[p.id] = l; } }
    });
  }
  var state = window.atlasPointsState;
  state.markers = rows.length; state.lines = lines; state.facts = Object.keys(ids).length;
  atlasMark('drawn');
  if (d.url) { atlasSay(map, 'Grouping ' + state.facts.toLocaleString('en') + ' facts…'); }
  atlasRefresh(map, function() { atlasMark('ready'); state.state = 'ready'; if (atlasNote) { atlasSay(map, ''); } });
  atlasFilterRoutes();
}

// A marker whose GeoJSON (read by streamlit-folium on a click, and by tests) is made when first read.
var AtlasMarker = L.Marker.extend({});
Object.defineProperty(AtlasMarker.prototype, 'feature', {
  get: function() {
    var rec = this._atlasRec;
    if (!this._atlasFeature && rec) {
      this._atlasFeature = {type: 'Feature', geometry: {type: 'Point', coordinates: [rec.lon, rec.lat]}, properties: rec.id ?
          {id: rec.id, title: rec.title, type: rec.type, origin: rec.origin, date: rec.date, power: rec.power} : {n: rec.n}};
    }
    return this._atlasFeature;
  },
  set: function(v) { this._atlasFeature = v; }
});

function atlasTooltip(d, m) {
  var rec = m._atlasRec;
  if (!rec.id) { return m.bindTooltip(atlasTip({n: rec.n}), {direction: 'top'}); }
  var tip = {title: rec.title, date: rec.date, type: rec.type, origin: rec.origin, status: rec.note};
  return m.bindTooltip(atlasTip(tip) + (rec.power ? '<br>' + (d.names[rec.power] || rec.power) +
                       (rec.more ? ' and others (colour: the first named)' : '') : ''), {direction: 'top'});
}

// Zoom or open clusters until one fact's marker can be clicked; its centre in this frame's
// viewport (for the page's browser tests and benchmarks: they click there with the mouse).
window.atlasRevealFact = function(id) {
  var l = atlasById[id], map = window.map;
  if (!l || !map) { return Promise.resolve(null); }
  var title = l._atlasRec ? l._atlasRec.title : (l.feature.properties.title || '');
  function centre(el, latlng) {
    if (el) { var b = el.getBoundingClientRect(); return {x: b.left + b.width / 2, y: b.top + b.height / 2, title: title}; }
    var p = map.latLngToContainerPoint(latlng), c = map.getContainer().getBoundingClientRect();
    return {x: c.left + p.x, y: c.top + p.y, title: title};
  }
  if (!l._atlasRec) {  // a route line: fit it, then its middle point
    map.fitBounds(l.getBounds(), {animate: false});
    var pts = l.getLatLngs(), flat = [].concat.apply([], pts);
    return Promise.resolve(centre(null, flat[Math.floor(flat.length / 2)] || l.getBounds().getCenter()));
  }
  if (!atlasCluster.hasLayer(l)) { return Promise.resolve(l._icon ? centre(l._icon) : null); }
  return new Promise(function(resolve) {
    atlasCluster.zoomToShowLayer(l, function() {
      // Wait out the zoom and the cluster's spider animation: the icon must stay put for
      // three frames (bounded: two seconds of frames).
      var last = null, still = 0, frames = 0;
      (function settle() {
        var c = l._icon ? centre(l._icon) : null, same = c && last && c.x === last.x && c.y === last.y;
        still = same && !map._animatingZoom ? still + 1 : 0; last = c;
        if (still >= 3 || ++frames > 120) { resolve(c); } else { requestAnimationFrame(settle); }
      })();
    });
  });
};

// A shared link's view (ui/mapcontrols.py): applied once per link, after the map's own first fit.
function atlasView(lat, lon, z) {
  var key = lat + ',' + lon + ',' + z, map = window.map;
  if (!map || window.atlasViewApplied === key) { return; }
  window.atlasViewApplied = key;
  // Leaflet ignores setView during a zoom animation, and the map's first fit starts one on the
  // next frame that would end at its own zoom: hold the link's view until it has stayed put
  // for a few ticks, or the user touches the map (bounded: 40 ticks).
  var tries = 0, steady = 0, want = map._limitZoom(z), user = false, el = map.getContainer();
  function touched() { user = true; }
  ['mousedown', 'wheel', 'touchstart', 'keydown'].forEach(function(e) { el.addEventListener(e, touched, {once: true}); });
  (function apply() {
    if (user) { return; }
    var there = map.getZoom() === want && map.getCenter().distanceTo([lat, lon]) < 50;
    if (!map._animatingZoom && !there) { map.setView([lat, lon], z, {animate: false}); steady = 0; }
    else if (there && !map._animatingZoom) { steady++; }
    if (steady < 4 && ++tries < 40) { setTimeout(apply, 50); }
  })();
}
