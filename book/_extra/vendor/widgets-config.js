// Tell RequireJS where this site keeps the ipywidgets HTML manager, so that
// the manager (and the fonts it loads relative to itself) come from here, not
// from a CDN.  Loaded after require.js and before embed-amd.js.
(function () {
  var here = document.currentScript.src.replace(/[^\/]*$/, "");
  window.require.config({
    paths: { "@jupyter-widgets/html-manager/dist": here + "html-manager" },
  });
})();

// The widget manager typesets labels through MathJax 2's MathJax.Hub.Queue;
// this book loads MathJax 3, which has no Hub.  Give it the MathJax 3
// equivalent before the widgets render (they wait for the page's load event).
window.addEventListener("load", function () {
  var mathjax = window.MathJax;
  if (mathjax && !mathjax.Hub && mathjax.typesetPromise) {
    mathjax.Hub = {
      Queue: function (job) {
        return mathjax.typesetPromise(job && job[2] ? [job[2]] : undefined);
      },
    };
  }
});
