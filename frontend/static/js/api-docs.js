// Starts Swagger UI on /api/v1/docs (a file of its own: the CSP forbids inline script).
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // never ask swagger.io to validate the document
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
