// Clustering for the map's point markers (atlas/views/map_points.js), built for 100,000 points.
// Once per set of markers, a hierarchy is built over typed arrays: for each zoom from the map's
// highest down to its lowest, the items of the zoom above that lie within the cluster radius
// (in pixels at that zoom) of a not yet taken item merge into one cluster at their weighted
// centre. Drawing then shows only the items of the current zoom inside the view: a few hundred
// Leaflet markers whatever the number of points. Markers of single facts are made when first
// shown. A click on a cluster fires 'clusterclick'; a cluster opens into a spider of its facts
// (spiderfy) or zooms in. The API mirrors the parts of Leaflet.markercluster the page uses.
var AtlasClusterMarker = L.Marker.extend({
  getChildCount: function() { return this._atlasGroup._count(this._atlasZ, this._atlasI); },
  getAllChildMarkers: function() { return this._atlasGroup._leafMarkers(this._atlasZ, this._atlasI); },
  getBounds: function() {
    return L.latLngBounds(this.getAllChildMarkers().map(function(m) { return m._atlasHome || m.getLatLng(); }));
  },
  spiderfy: function() { this._atlasGroup._spiderfy(this); },
  zoomToBounds: function(opts) {
    var map = this._atlasGroup._map, b = this.getBounds(), z = Math.min(map.getBoundsZoom(b, false, L.point(60, 60)),
                                                                         map.getMaxZoom());
    map.setView(b.getCenter(), Math.max(z, Math.floor(map.getZoom()) + 1));
  }
});

var AtlasClusterGroup = L.FeatureGroup.extend({
  initialize: function(options) {
    L.FeatureGroup.prototype.initialize.call(this);
    this.options = L.extend({radius: 30, iconCreateFunction: null, spiderLegPolylineOptions: {}}, options);
    this._markers = [];  // every marker in the hierarchy (getLayers)
    this._inHierarchy = new Set();
    this._levels = null;
    this._shownClusters = new Map();
    this._clusterLayer = L.layerGroup();  // cluster icons: clicks become 'clusterclick', not 'click'
    this._legs = L.layerGroup();
    this._spider = null;
    this._build = 0;
    this._inZoomAnimation = false;  // no animations (markercluster's flag, read by the page's tests)
  },

  onAdd: function(map) {
    L.FeatureGroup.prototype.onAdd.call(this, map);
    map.addLayer(this._clusterLayer);
    map.addLayer(this._legs);
    map.on('moveend', this._render, this);
    map.on('zoomstart', this._unspiderfy, this);
    map.on('click', this._unspiderfy, this);
  },

  onRemove: function(map) {
    map.off('moveend', this._render, this);
    map.off('zoomstart', this._unspiderfy, this);
    map.off('click', this._unspiderfy, this);
    this._unspiderfy();
    map.removeLayer(this._clusterLayer);
    map.removeLayer(this._legs);
    L.FeatureGroup.prototype.onRemove.call(this, map);
  },

  // markercluster's names: every marker in the hierarchy, whether drawn alone or inside a cluster.
  getLayers: function() { return this._markers.slice(); },
  hasLayer: function(m) { return this._inHierarchy.has(m); },

  // Build the hierarchy over ``markers`` (one level per browser task, so the page stays responsive)
  // and draw it; ``done`` once drawn. A newer call cancels an older build still running.
  setMarkers: function(markers, done) {
    var build = ++this._build, self = this, map = this._map;
    this._unspiderfy();
    this._markers = markers;
    this._inHierarchy = new Set(markers);
    var n = markers.length, xs = new Float64Array(n), ys = new Float64Array(n), cs = new Float64Array(n);
    var single = new Int32Array(n);
    for (var i = 0; i < n; i++) {
      var ll = markers[i].getLatLng(), s = Math.sin(ll.lat * Math.PI / 180);
      s = Math.min(Math.max(s, -0.9999), 0.9999);
      xs[i] = ll.lng / 360 + 0.5;
      ys[i] = 0.5 - 0.25 * Math.log((1 + s) / (1 - s)) / Math.PI;
      cs[i] = 1; single[i] = i;
    }
    var minZ = Math.floor(map.getMinZoom()), maxZ = Math.ceil(map.getMaxZoom()), levels = {};
    levels[maxZ + 1] = {x: xs, y: ys, c: cs, n: n, single: single, kids: null, up: null};
    var z = maxZ;
    (function step() {
      if (build !== self._build) { return; }
      var t0 = performance.now();
      while (z >= minZ && performance.now() - t0 < 40) { levels[z] = self._merge(levels[z + 1], z); z--; }
      if (z >= minZ) { setTimeout(step, 0); return; }
      self._levels = levels; self._minZ = minZ; self._maxZ = maxZ;
      self._render();
      if (done) { done(); }
    })();
  },

  _merge: function(prev, z) {
    var r = this.options.radius / (256 * Math.pow(2, z)), r2 = r * r, pn = prev.n, w = Math.ceil(1 / r) + 3;
    var grid = new Map(), cell = new Float64Array(pn), px = prev.x, py = prev.y, pc = prev.c;
    for (var i = 0; i < pn; i++) {
      var k = (Math.floor(py[i] / r) + 1) * w + Math.floor(px[i] / r) + 1, a = grid.get(k);
      cell[i] = k;
      if (a) { a.push(i); } else { grid.set(k, [i]); }
    }
    var taken = new Uint8Array(pn), up = new Int32Array(pn), nx = [], ny = [], nc = [], kids = [], single = [];
    for (i = 0; i < pn; i++) {
      if (taken[i]) { continue; }
      taken[i] = 1;
      var x = px[i], y = py[i], c = pc[i], sx = x * c, sy = y * c, sc = c, members = null;
      for (var dy = -1; dy <= 1; dy++) {
        for (var dx = -1; dx <= 1; dx++) {
          var near = grid.get(cell[i] + dy * w + dx);
          if (!near) { continue; }
          for (var t = 0; t < near.length; t++) {
            var j = near[t];
            if (taken[j]) { continue; }
            var ex = px[j] - x, ey = py[j] - y;
            if (ex * ex + ey * ey > r2) { continue; }
            taken[j] = 1; sx += px[j] * pc[j]; sy += py[j] * pc[j]; sc += pc[j];
            (members || (members = [i])).push(j);
          }
        }
      }
      var id = nx.length;
      if (members) {
        for (t = 0; t < members.length; t++) { up[members[t]] = id; }
        nx.push(sx / sc); ny.push(sy / sc); kids.push(members); single.push(-1);
      } else {
        up[i] = id; nx.push(x); ny.push(y); kids.push(i); single.push(prev.single[i]);
      }
      nc.push(sc);
    }
    prev.up = up;
    return {x: Float64Array.from(nx), y: Float64Array.from(ny), c: Float64Array.from(nc), n: nx.length,
            kids: kids, single: Int32Array.from(single), up: null};
  },

  _level: function() {
    var z = Math.round(this._map.getZoom());
    return Math.min(Math.max(z, this._minZ), this._maxZ);
  },

  _count: function(z, i) { return this._levels[z].c[i]; },

  _leaves: function(z, i, out) {
    var item = this._levels[z];
    if (item.single[i] >= 0) { out.push(item.single[i]); return out; }
    var k = item.kids[i];
    if (typeof k === 'number') { return this._leaves(z + 1, k, out); }
    for (var t = 0; t < k.length; t++) { this._leaves(z + 1, k[t], out); }
    return out;
  },

  _leafMarkers: function(z, i) {
    var ms = this._markers;
    return this._leaves(z, i, []).map(function(p) { return ms[p]; });
  },

  // Draw the items of the current zoom inside the view (and half a view around it).
  _render: function() {
    var map = this._map;
    if (!map || !this._levels || this._spider) { return; }
    var z = this._level(), lv = this._levels[z], b = map.getBounds().pad(0.5);
    var w = b.getWest() / 360 + 0.5, e = b.getEast() / 360 + 0.5;
    var yOf = function(lat) { var s = Math.sin(Math.min(Math.max(lat, -85), 85) * Math.PI / 180);
                              return 0.5 - 0.25 * Math.log((1 + s) / (1 - s)) / Math.PI; };
    var n = yOf(b.getNorth()), s = yOf(b.getSouth());
    var wantSingle = new Set(), wantCluster = new Map();
    for (var i = 0; i < lv.n; i++) {
      var x = lv.x[i], y = lv.y[i];
      if (x < w || x > e || y < n || y > s) { continue; }
      if (lv.single[i] >= 0) { wantSingle.add(this._markers[lv.single[i]]); } else { wantCluster.set(z + ':' + i, i); }
    }
    var self = this;
    this.eachLayer(function(m) { if (!wantSingle.has(m)) { self._hide(m); } });
    wantSingle.forEach(function(m) { self._show(m); });
    this._shownClusters.forEach(function(c, key) {
      if (!wantCluster.has(key)) { self._clusterLayer.removeLayer(c); self._shownClusters.delete(key); }
    });
    wantCluster.forEach(function(i, key) {
      if (!self._shownClusters.has(key)) { self._shownClusters.set(key, self._clusterMarker(z, i)); }
    });
  },

  // Drawn alone: on the map, its clicks passed on to this group (and so to the page).
  _show: function(m) {
    if (this._layers[L.stamp(m)]) { return; }
    m.addEventParent(this);
    L.LayerGroup.prototype.addLayer.call(this, m);
  },

  _hide: function(m) {
    L.LayerGroup.prototype.removeLayer.call(this, m);
    m.removeEventParent(this);
  },

  _clusterMarker: function(z, i) {
    var lv = this._levels[z], lng = (lv.x[i] - 0.5) * 360;
    var lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * lv.y[i]))) * 180 / Math.PI;
    var c = new AtlasClusterMarker([lat, lng], {keyboard: false, zIndexOffset: 2000});
    c._atlasGroup = this; c._atlasZ = z; c._atlasI = i;
    c.setIcon(this.options.iconCreateFunction(c));
    var self = this;
    c.on('click', function(ev) { self.fire('clusterclick', {layer: c, latlng: ev.latlng}); });
    this._clusterLayer.addLayer(c);
    return c;
  },

  // A cluster's facts on a circle (a spiral when many) around it, each joined to it by a leg.
  _spiderfy: function(cluster) {
    this._unspiderfy();
    var map = this._map, centre = map.latLngToLayerPoint(cluster.getLatLng()), ms = cluster.getAllChildMarkers();
    var n = ms.length, legs = [], self = this;
    this._clusterLayer.removeLayer(cluster);
    ms.forEach(function(m, k) {
      var pos;
      if (n <= 9) {
        var a = 2 * Math.PI * k / n, rad = Math.max(25, 14 * n / Math.PI);
        pos = L.point(centre.x + rad * Math.cos(a), centre.y + rad * Math.sin(a));
      } else {
        var ang = 0.6 * Math.sqrt(k + 1) * 4, rs = 14 + 5 * Math.sqrt(k + 1) * 3;
        pos = L.point(centre.x + rs * Math.cos(ang), centre.y + rs * Math.sin(ang));
      }
      m._atlasHome = m.getLatLng();
      m.setLatLng(map.layerPointToLatLng(pos));
      var leg = L.polyline([cluster.getLatLng(), m.getLatLng()], self.options.spiderLegPolylineOptions);
      m._spiderLeg = leg; self._legs.addLayer(leg);
      self._show(m);
      legs.push(m);
    });
    this._spider = {cluster: cluster, markers: legs};
  },

  _unspiderfy: function() {
    if (!this._spider) { return; }
    var sp = this._spider;
    this._spider = null;
    this._legs.clearLayers();
    sp.markers.forEach(function(m) { if (m._atlasHome) { m.setLatLng(m._atlasHome); } m._atlasHome = null; m._spiderLeg = null; });
    this._shownClusters.clear();
    this._clusterLayer.clearLayers();
    this._render();
  },

  // markercluster's name: zoom (and open a cluster, at the highest zoom) until ``m`` is drawn alone.
  zoomToShowLayer: function(m, done) {
    var map = this._map, p = this._markers.indexOf(m);
    if (p < 0 || !this._levels) { if (done) { done(); } return; }
    var idx = p, z = this._maxZ, alone = null;
    for (; z >= this._minZ; z--) {
      idx = this._levels[z + 1].up[idx];
      if (this._levels[z].single[idx] !== p) { break; }
      alone = z;
    }
    var self = this, finish = function() {
      if (alone === null) {  // never alone, even at the highest zoom: open its cluster there
        var key = self._maxZ + ':' + self._levels[self._maxZ + 1].up[p], c = self._shownClusters.get(key);
        if (c) { self._spiderfy(c); }
      }
      if (done) { done(); }
    };
    var want = alone === null ? this._maxZ : Math.max(alone, Math.min(Math.round(map.getZoom()), this._maxZ));
    if (alone !== null && Math.round(map.getZoom()) >= alone && map.getBounds().contains(m.getLatLng()) && m._icon) {
      finish(); return;
    }
    map.once('moveend', function() { self._render(); finish(); });
    map.setView(m._atlasHome || m.getLatLng(), want, {animate: false});
  }
});
