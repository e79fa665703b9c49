// Starts GraphiQL as #graphiql's data attributes say: queries over HTTP to data-endpoint,
// subscriptions over graphql-transport-ws on the same path, data-default-document and
// data-default-headers in the editors until the user's own are stored. The headers editor's
// Authorization travels in each request and in the websocket's connection_init.
// ?query=, ?variables= and ?headers= in the page's URL fill the editors.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  var endpoint = root.dataset.endpoint;
  var wsScheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  var props = {
    fetcher: GraphiQL.createFetcher({
      url: location.origin + endpoint,
      subscriptionUrl: wsScheme + '//' + location.host + endpoint
    }),
    defaultQuery: root.dataset.defaultDocument,
    defaultHeaders: root.dataset.defaultHeaders,
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    inputValueDeprecation: true
  };
  var params = new URLSearchParams(location.search);
  ['query', 'variables', 'headers'].forEach(function (name) {
    if (params.has(name)) {
      props[name] = params.get(name);
    }
  });
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
})();
