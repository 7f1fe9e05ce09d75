/**
 * The API reference page at `/api/docs`: a small self-contained renderer of `/api/openapi.json`. No CDN
 * (servers often have no outbound access) and no inline script (so a strict Content-Security-Policy with
 * `script-src 'self'` holds): the page, its script and its stylesheet are three static answers.
 */
import type { Express, Request, Response } from 'express';

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Assay API reference</title>
<link rel="stylesheet" href="/api/docs/docs.css">
</head>
<body>
<header><h1>Assay API reference</h1><p id="intro"></p><p><a href="/api/openapi.json">OpenAPI 3.1 document</a></p></header>
<nav id="toc"></nav>
<main id="ops"><p>Loading…</p></main>
<section id="problems"></section>
<script src="/api/docs/docs.js"></script>
</body>
</html>
`;

const CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#1d232a}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2.5rem}
nav a{margin-right:1rem}
.op{border:1px solid #d6dae0;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}
.op h3{margin:.2rem 0;font-size:1rem;font-family:ui-monospace,monospace}
.m{display:inline-block;min-width:4.2rem;font-weight:700;text-transform:uppercase}
.get{color:#0a6}.post{color:#06c}.patch,.put{color:#b60}.delete{color:#c22}
.access{color:#555;font-size:.9rem}
pre{background:#f5f6f8;padding:.6rem;overflow:auto;font-size:.85rem;border-radius:4px}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left}
details summary{cursor:pointer;color:#345}
`;

// Text only ever goes through textContent: the spec is data, never markup.
const JS = `(function () {
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }
  function schemaBlock(title, schema) {
    return el('details', {}, [el('summary', {}, [title]), el('pre', {}, [JSON.stringify(schema, null, 2)])]);
  }
  function render(spec) {
    document.getElementById('intro').textContent = spec.info.description + ' (version ' + spec.info.version + ')';
    var byTag = {};
    Object.keys(spec.paths).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        var op = spec.paths[path][method];
        var tag = (op.tags && op.tags[0]) || 'Other';
        (byTag[tag] = byTag[tag] || []).push({ path: path, method: method, op: op });
      });
    });
    var toc = document.getElementById('toc');
    var main = document.getElementById('ops');
    main.textContent = '';
    Object.keys(byTag).forEach(function (tag) {
      var id = 'tag-' + tag.replace(/[^A-Za-z0-9]+/g, '-');
      toc.appendChild(el('a', { href: '#' + id }, [tag]));
      main.appendChild(el('h2', { id: id }, [tag]));
      byTag[tag].forEach(function (entry) {
        var op = entry.op;
        var box = el('div', { class: 'op', id: op.operationId }, [
          el('h3', {}, [el('span', { class: 'm ' + entry.method }, [entry.method]), entry.path]),
          el('p', {}, [op.summary || '']),
          el('p', { class: 'access' }, [op.description || ''])
        ]);
        if (op.parameters && op.parameters.length) {
          var rows = op.parameters.map(function (p) {
            return el('tr', {}, [el('td', {}, [p.name]), el('td', {}, [p.in]), el('td', {}, [p.required ? 'yes' : 'no']),
              el('td', {}, [p.description || '']), el('td', {}, [JSON.stringify(p.schema)])]);
          });
          box.appendChild(el('table', {}, [el('tr', {}, ['name', 'in', 'required', 'description', 'schema'].map(function (h) { return el('th', {}, [h]); }))].concat(rows)));
        }
        if (op.requestBody) box.appendChild(schemaBlock('Request body', op.requestBody.content['application/json'].schema));
        Object.keys(op.responses).forEach(function (status) {
          var r = op.responses[status];
          var content = r.content && r.content[Object.keys(r.content)[0]];
          if (content && content.schema && !content.schema.$ref) box.appendChild(schemaBlock(status + ' ' + r.description, content.schema));
          else box.appendChild(el('div', {}, [status + ' ' + r.description]));
        });
        main.appendChild(box);
      });
    });
  }
  var PROBLEMS = [
    ['validation_failed', 400, 'The query or body breaks its schema; errors lists every problem (path, message, code).'],
    ['malformed_json', 400, 'The body is not valid JSON.'],
    ['unauthorized', 401, 'No or bad credentials: sign in, or send Authorization: Bearer <API key>.'],
    ['forbidden', 403, 'Your role or the key\u2019s scopes do not allow this.'],
    ['csrf_failed', 403, 'A cookie request without the X-CSRF-Token header, or from a foreign origin.'],
    ['not_found', 404, 'No such route or resource (also for another organisation\u2019s resource).'],
    ['conflict', 409, 'The change conflicts with the current state; see the code for which.'],
    ['payload_too_large', 413, 'The body is larger than the limit.'],
    ['unsupported_media_type', 415, 'Send the body as application/json.'],
    ['unprocessable', 422, 'Well-formed but not acceptable; errors lists why.'],
    ['rate_limited', 429, 'Too many requests; wait for Retry-After seconds.'],
    ['internal', 500, 'A bug; the server log has the detail under the request id.'],
    ['database_unavailable', 503, 'A dependency is down; retry after Retry-After seconds.']
  ];
  function renderProblems() {
    var section = document.getElementById('problems');
    section.appendChild(el('h2', { id: 'problems-heading' }, ['Problem codes']));
    section.appendChild(el('p', {}, ['Errors are RFC 9457 problem details (application/problem+json) with a stable code and the request id.']));
    PROBLEMS.forEach(function (p) {
      section.appendChild(el('div', { class: 'op', id: 'problem-' + p[0] }, [
        el('h3', {}, [p[1] + ' ' + p[0]]), el('p', {}, [p[2]])
      ]));
    });
  }
  renderProblems();
  fetch('/api/openapi.json').then(function (r) { return r.json(); }).then(render, function (e) {
    document.getElementById('ops').textContent = 'Could not load the OpenAPI document: ' + e;
  });
})();
`;

function send(type: string, body: string) {
  return (_req: Request, res: Response): void => {
    res.type(type).setHeader('Cache-Control', 'no-cache');
    res.send(body);
  };
}

export function mountDocs(app: Express, spec: () => unknown): void {
  app.get('/api/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(spec());
  });
  app.get('/api/docs', send('html', HTML));
  app.get('/api/docs/docs.js', send('js', JS));
  app.get('/api/docs/docs.css', send('css', CSS));
}
