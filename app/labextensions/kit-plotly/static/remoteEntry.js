// The web app's renderer for plotly's MIME type, application/vnd.plotly.v1+json.
//
// A JupyterLab federated extension written by hand (a module federation container: init()
// takes the page's shared modules, get("./mimeExtension") gives the extension), so it needs no
// build step. It replaces the jupyterlab-plotly extension in the Voila app only (kit/publish/app.py):
//   - plotly.js's basic bundle (bar, pie, scatter: 1.2 MB) instead of the full one (4.8 MB),
//     whose start-up was most of a page's script time; the full bundle is loaded only for a
//     figure with another trace type;
//   - one Plotly.react per output, and nothing after it (jupyterlab-plotly also redraws each
//     chart once drawn and renders it to a PNG, work the app never uses).
// Both bundles are installed by `python -m kit.publish.page_scripts` (make setup).
var _JUPYTERLAB;
(function () {
  "use strict";
  var MIME_TYPE = "application/vnd.plotly.v1+json";
  var BASIC_TRACES = ["bar", "pie", "scatter"];
  var here = document.currentScript ? document.currentScript.src.replace(/[^/]*$/, "") : "";
  var shared = null;
  var bundles = {};

  // Load a plotly.js bundle once per page: a script tag (parsed off the main thread), whose
  // window.Plotly is kept here, as each bundle sets it.
  function plotly(file) {
    if (!bundles[file]) {
      bundles[file] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.async = true;
        script.src = here + file;
        script.onload = function () {
          resolve(window.Plotly);
        };
        script.onerror = function () {
          reject(new Error("kit-plotly: could not load " + script.src));
        };
        document.head.appendChild(script);
      });
    }
    return bundles[file];
  }

  function plotlyFor(spec) {
    var basic = (spec.data || []).every(function (trace) {
      return BASIC_TRACES.indexOf(trace.type || "scatter") >= 0;
    });
    return plotly(basic ? "plotly-basic.min.js" : "plotly.min.js");
  }

  function sharedModule(name) {
    var versions = shared && shared[name];
    if (!versions) {
      return Promise.reject(new Error("kit-plotly: the page shares no " + name));
    }
    // The version already in use if there is one (one Widget class on the page), else the newest.
    var newest = Object.keys(versions).sort(function (a, b) {
      if (!versions[a].loaded !== !versions[b].loaded) return versions[a].loaded ? 1 : -1;
      var left = a.split(".").map(Number);
      var right = b.split(".").map(Number);
      for (var i = 0; i < 3; i++) {
        if (left[i] !== right[i]) return (left[i] || 0) - (right[i] || 0);
      }
      return 0;
    }).pop();
    var entry = versions[newest];
    entry.loaded = 1;
    return Promise.resolve(entry.get()).then(function (factory) {
      return factory();
    });
  }

  function extension(lumino) {
    class RenderedPlotly extends lumino.Widget {
      constructor(options) {
        super();
        this.addClass("jp-RenderedPlotly");
        this._mimeType = options.mimeType;
        this._plotly = null;
      }

      renderModel(model) {
        var spec = model.data[this._mimeType];
        var layout = Object.assign({}, spec.layout);
        if (!layout.height) layout.height = 360;
        var node = this.node;
        var self = this;
        return plotlyFor(spec).then(function (Plotly) {
          self._plotly = Plotly;
          return Plotly.react(node, spec.data, layout, spec.config).then(function () {
            if (spec.frames) return Plotly.addFrames(node, spec.frames);
          });
        });
      }

      _resize() {
        if (this._plotly && this.isVisible && this.node.querySelector(".plot-container")) {
          this._plotly.Plots.resize(this.node);
        }
      }

      onAfterShow() {
        this._resize();
      }

      onResize() {
        this._resize();
      }
    }

    return [
      {
        id: "kit-plotly:factory",
        rendererFactory: {
          safe: true,
          mimeTypes: [MIME_TYPE],
          createRenderer: function (options) {
            return new RenderedPlotly(options);
          },
        },
        rank: 2,
        dataType: "json",
      },
    ];
  }

  var container = {
    init: function (scope) {
      shared = scope;
      return Promise.resolve();
    },
    get: function (module) {
      if (module !== "./mimeExtension") {
        return Promise.reject(new Error('kit-plotly: no module "' + module + '"'));
      }
      return sharedModule("@lumino/widgets").then(function (lumino) {
        return function () {
          return { __esModule: true, default: extension(lumino) };
        };
      });
    },
  };
  _JUPYTERLAB = _JUPYTERLAB || {};
  _JUPYTERLAB["kit-plotly"] = container;
})();
