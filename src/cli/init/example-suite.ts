/** The suite `assay init` writes: short, commented, and passing against `assay demo-target`. */
export const EXAMPLE_SUITE = `# An example Assay suite. In one terminal start the demo API:   npx assay demo-target
# and in another run this suite:                                npx assay run assay
# Point it at your own API by changing baseUrl, or with --var baseUrl=https://…
version: 1
name: Example users API
variables:
  baseUrl: http://127.0.0.1:3900
defaults:
  timeout: 5000
  headers:
    accept: application/json
steps:
  - name: the API is healthy
    request:
      method: GET
      url: "{{ baseUrl }}/health"
    expect:
      status: 200
      json:
        $.status: ok

  - name: create a user
    request:
      method: POST
      url: "{{ baseUrl }}/users"
      json:
        name: Ada Lovelace
        email: "ada+{{ $uuid }}@example.test"
    capture:
      userId: $.id                      # JSONPath into the response body
      location: { header: location }   # a response header
    expect:
      status: 201
      headers:
        content-type: { contains: application/json }
        location: { matches: "^/users/[0-9]+$" }
      json:
        $.name: Ada Lovelace            # a bare value means equals
        $.id: { type: number, gt: 0 }
        $.email: { contains: "@example.test" }

  - name: fetch the user back
    request:
      method: GET
      url: "{{ baseUrl }}/users/{{ userId }}"
    expect:
      status: 200
      json:
        $.name: Ada Lovelace
      schema:                           # JSON Schema of the body
        type: object
        required: [id, name, email, createdAt]
        properties:
          id: { type: integer }
          name: { type: string }
          email: { type: string }
          createdAt: { type: string }
      latency: { lt: 2000 }             # ms

  - name: the Location header points at the user
    request:
      method: GET
      url: "{{ baseUrl }}{{ location }}"
    expect:
      status: 2xx
      json:
        $.id: { exists: true }

  - name: an unknown user is a 404
    request:
      method: GET
      url: "{{ baseUrl }}/users/999999"
    expect:
      status: 404
`;
