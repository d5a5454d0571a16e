// Says in the page what happens before Feedboard's WebAssembly runs: "Starting…", and if the
// start fails (no WebAssembly, a file that does not load, a policy that blocks it) why, instead
// of leaving a blank page and a message only in the console. The app removes #boot once it runs;
// if it stops later, a banner says so.
(function () {
  "use strict";
  var boot = document.getElementById("boot");
  if (!boot) return;
  var failed = false;
  function fail(reason) {
    var still = document.getElementById("boot");
    if (failed || !still) return;
    failed = true;
    still.className = "boot boot-failed";
    still.setAttribute("role", "alert");
    still.textContent = "Feedboard could not start in this browser: " + reason +
      ". It needs a browser with WebAssembly (Chrome, Edge, Firefox, or Safari 16 or newer). " +
      "Reloading may help if the network was interrupted.";
  }
  if (typeof WebAssembly !== "object") {
    fail("this browser has no WebAssembly");
    return;
  }
  // After the start, a WebAssembly trap (a panic, running out of memory) has stopped every part
  // of the app at once: say so at the top of the page, once. The release build's panics carry no
  // message (dev/build-release), so the banner is the same for all of them.
  var stopped = false;
  function stoppedBy(error) {
    // By name as well: an error from another realm (a frame, a test driver) fails instanceof.
    var trap = !!error && (error instanceof WebAssembly.RuntimeError || error.name === "RuntimeError");
    if (stopped || document.getElementById("boot") || !trap) return;
    stopped = true;
    var banner = document.createElement("p");
    banner.className = "boot boot-failed";
    banner.setAttribute("role", "alert");
    banner.textContent = "Feedboard stopped because of an error and no longer updates. " +
      "Reload the page to start it again.";
    document.body.insertBefore(banner, document.body.firstChild);
  }
  window.addEventListener("error", function (event) {
    stoppedBy(event.error);
    fail(event.message || "a file of the app did not load");
  });
  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason;
    stoppedBy(reason);
    fail((reason && reason.message) || String(reason || "loading the app failed"));
  });
  // Not every engine reports a failed module script as an error event (WebKit does not), so
  // the loading itself is watched: the fetch of the app's .wasm file, and its compiling. Both
  // watches give the browser's own functions back once the app's file has been fetched, so the
  // running app's own requests pass untouched.
  var originalFetch = window.fetch;
  if (typeof originalFetch === "function") {
    window.fetch = function (resource) {
      var result = originalFetch.apply(this, arguments);
      var url = String((resource && resource.url) || resource);
      if (/\.wasm(\?|$)/.test(url)) {
        window.fetch = originalFetch;
        result.then(function (response) {
          if (!response.ok) fail("the app's WebAssembly file did not load (HTTP " + response.status + ")");
        }, function (error) {
          fail("the app's WebAssembly file did not load (" + ((error && error.message) || error) + ")");
        });
      }
      return result;
    };
  }
  var instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = function () {
    WebAssembly.instantiate = instantiate;
    var result = instantiate.apply(WebAssembly, arguments);
    result.catch(function (error) {
      fail("the app's WebAssembly did not start (" + ((error && error.message) || error) + ")");
    });
    return result;
  };
  document.addEventListener("securitypolicyviolation", function (event) {
    fail("the page's security policy blocked " + (event.blockedURI || "a script"));
  });
  setTimeout(function () {
    var still = document.getElementById("boot");
    if (still && !failed) still.textContent = "Still starting Feedboard… (a slow network or device)";
  }, 10000);
})();
