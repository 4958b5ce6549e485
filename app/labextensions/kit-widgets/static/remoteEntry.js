// The web app's widget manager, made patient (a JupyterLab federated extension written by hand,
// a module federation container like kit-plotly's, so no build step; kit/publish/app.py).
//
// A widget output asks the page's widget manager for its model with get_model, which looks for
// it every 100 ms for 2 s and then gives up; the output then says "Error displaying widget:
// model not found" for good if the manager has finished restoring the kernel's models by then.
// On a busy machine a page's main thread can be held for a second or more while the manager
// creates those models, so the last wait can end after the model arrived and the restore
// finished: get_model gives up without looking again (seen with 8 users on 2 cores, one page
// in a few runs; ipywidgets issue 4026). Here get_model, once it gives up, looks again, and
// while the restore is still going on, waits for it (the manager's `restored` signal): no
// fixed deadline. A model that is still missing after the restore is an error, as before.
var _JUPYTERLAB;
(function () {
  "use strict";

  function patient(manager) {
    if (!manager || manager.__kitPatient || typeof manager.get_model !== "function") return;
    var giveUpAfterTwoSeconds = manager.get_model.bind(manager);
    manager.get_model = function (modelId) {
      return giveUpAfterTwoSeconds(modelId).catch(function (error) {
        if (manager.has_model(modelId)) return giveUpAfterTwoSeconds(modelId);
        if (manager.restoredStatus || !manager.restored) throw error;
        return new Promise(function (resolve, reject) {
          function lookAgain() {
            manager.restored.disconnect(lookAgain);
            if (manager.has_model(modelId)) resolve(giveUpAfterTwoSeconds(modelId));
            else reject(error);
          }
          manager.restored.connect(lookAgain);
        });
      });
    };
    manager.__kitPatient = true;
  }

  var plugin = {
    id: "kit-widgets:patient-manager",
    autoStart: true,
    activate: function (app) {
      // Voila's app resolves widgetManagerPromise when it makes the manager, before any
      // output is rendered; JupyterLab has no such promise (and this extension is not there).
      if (app.widgetManagerPromise) app.widgetManagerPromise.promise.then(patient);
    },
  };

  var container = {
    init: function () {
      return Promise.resolve();
    },
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error('kit-widgets: no module "' + module + '"'));
      }
      return Promise.resolve(function () {
        return { __esModule: true, default: [plugin] };
      });
    },
  };
  _JUPYTERLAB = _JUPYTERLAB || {};
  _JUPYTERLAB["kit-widgets"] = container;
})();
