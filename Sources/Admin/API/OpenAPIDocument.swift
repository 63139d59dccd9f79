/// The OpenAPI 3.1 description of `/api/v1`. A test compares its paths and methods with the
/// routes the router really has, both ways, so the two cannot drift apart.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Tern admin API
  version: "1"
  description: |
    Accounts, credit, sessions, message tracking and consumption of a Tern SMS gateway.
    Authenticate with a login (POST /api/v1/login sets the tern_session cookie) or an API
    token (Authorization: Bearer tern_<id>_<secret>). An admin sees everything; a reseller
    sees itself and its users; a user sees itself. Accounts outside the caller's scope answer
    404; actions its role may not take answer 403. Errors are {"error": {"message": "..."}}.
    Money is integer minor units (1000 is 10.00 of the account's currency).
servers:
  - url: /
security:
  - token: []
  - cookie: []
components:
  securitySchemes:
    token:
      type: http
      scheme: bearer
    cookie:
      type: apiKey
      in: cookie
      name: tern_session
  parameters:
    systemId:
      name: system_id
      in: path
      required: true
      schema: {type: string, maxLength: 15}
    limit:
      name: limit
      in: query
      schema: {type: integer, minimum: 1, maximum: 1000}
  responses:
    Error:
      description: The request was refused; the message says why.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
  schemas:
    Error:
      type: object
      properties:
        error:
          type: object
          properties:
            message: {type: string}
    PricePlan:
      type: object
      description: Price of one message part by destination prefix (longest wins), else the default.
      properties:
        default: {type: [integer, "null"], minimum: 0}
        prefixes:
          type: object
          additionalProperties: {type: integer, minimum: 0}
    Account:
      type: object
      properties:
        system_id: {type: string}
        name: {type: string}
        role: {type: string, enum: [admin, reseller, user]}
        enabled: {type: boolean}
        reseller: {type: [string, "null"]}
        balance: {type: integer}
        max_binds: {type: integer}
        throughput: {type: [integer, "null"]}
        allowed_networks: {type: array, items: {type: string}}
        allowed_senders: {type: array, items: {type: string}}
        policy: {type: [string, "null"]}
        receipts:
          type: object
          properties:
            enabled: {type: boolean}
            keep_hours: {type: integer}
        price_plan: {oneOf: [{$ref: "#/components/schemas/PricePlan"}, {type: "null"}]}
        can_log_in: {type: boolean}
    AccountRequest:
      type: object
      description: To create, system_id and password are required; to change, send only what changes.
      properties:
        system_id: {type: string, maxLength: 15}
        password: {type: string, maxLength: 8, description: The SMPP password (SMPP 3.4 clients send at most 8 characters).}
        login_password: {type: string, minLength: 10, description: The web and API login password.}
        name: {type: string}
        role: {type: string, enum: [admin, reseller, user]}
        reseller: {type: string}
        enabled: {type: boolean}
        max_binds: {type: integer, minimum: 0}
        throughput: {type: [integer, "null"], minimum: 0}
        allowed_networks: {type: array, items: {type: string}}
        allowed_senders: {type: array, items: {type: string}}
        policy: {type: [string, "null"]}
        receipts:
          type: object
          properties:
            enabled: {type: boolean}
            keep_hours: {type: integer}
        price_plan: {oneOf: [{$ref: "#/components/schemas/PricePlan"}, {type: "null"}]}
    LedgerEntry:
      type: object
      properties:
        id: {type: integer}
        at: {type: string, format: date-time}
        amount: {type: integer}
        balance_after: {type: integer}
        kind: {type: string, enum: [top_up, transfer_out, transfer_in, charge, refund]}
        message_id: {type: [string, "null"]}
        reason: {type: string}
        actor: {type: [string, "null"]}
    Credit:
      type: object
      properties:
        system_id: {type: string}
        balance: {type: integer}
        entries: {type: array, items: {$ref: "#/components/schemas/LedgerEntry"}}
        next: {type: [integer, "null"], description: Pass as before for the next page.}
    Token:
      type: object
      properties:
        id: {type: integer}
        name: {type: string}
        created_at: {type: string, format: date-time}
        token: {type: string, description: Only in the answer that creates it.}
    Session:
      type: object
      properties:
        id: {type: integer}
        system_id: {type: string}
        bind_type: {type: string, enum: [transmitter, receiver, transceiver]}
        remote: {type: string}
        tls: {type: boolean}
        interface_version: {type: string}
        bound_since: {type: string, format: date-time}
        last_pdu_at: {type: string, format: date-time}
        health: {type: string, enum: [alive, dead]}
        window_in_use: {type: integer}
        deliveries_in_flight: {type: integer}
        rate: {type: number}
    Event:
      type: object
      properties:
        at: {type: string, format: date-time}
        state: {type: string}
        connector: {type: [string, "null"]}
        error_code: {type: [integer, "null"]}
        detail: {type: [string, "null"]}
        receipt: {type: boolean}
    Message:
      type: object
      properties:
        id: {type: string}
        account: {type: string}
        from: {type: string}
        to: {type: string}
        campaign: {type: [string, "null"]}
        state: {type: string}
        connector: {type: [string, "null"]}
        upstream_id: {type: [string, "null"]}
        received_at: {type: string, format: date-time}
        part:
          type: [object, "null"]
          properties:
            reference: {type: integer}
            sequence: {type: integer}
            total: {type: integer}
        attempts: {type: integer}
        error_code: {type: [integer, "null"]}
        price: {type: [integer, "null"]}
        reseller_price: {type: [integer, "null"]}
        charged: {type: boolean}
        text: {type: string, description: Only when one message is read.}
        timeline: {type: array, items: {$ref: "#/components/schemas/Event"}}
    Campaign:
      type: object
      properties:
        campaign: {type: string}
        account_id: {type: integer}
        system_id: {type: string}
        accepted: {type: integer}
        submitted: {type: integer}
        delivered: {type: integer}
        failed: {type: integer}
        pending: {type: integer}
        spent: {type: integer}
        first_at: {type: string, format: date-time}
        last_at: {type: string, format: date-time}
    Period:
      type: object
      properties:
        start: {type: string, format: date-time}
        messages: {type: integer}
        parts: {type: integer}
        spent: {type: integer}
        refused_for_credit: {type: integer}
        final_states: {type: object, additionalProperties: {type: integer}}
        sessions_peak: {type: integer}
paths:
  /api/v1/login:
    post:
      summary: Log in; sets the tern_session cookie.
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [system_id, password]
              properties:
                system_id: {type: string}
                password: {type: string, description: The login password.}
      responses:
        "200": {description: Logged in.}
        "401": {$ref: "#/components/responses/Error"}
        "429": {$ref: "#/components/responses/Error"}
  /api/v1/logout:
    post:
      summary: End the login session.
      security: []
      responses:
        "204": {description: Logged out.}
  /api/v1/openapi.yaml:
    get:
      summary: This document.
      security: []
      responses:
        "200": {description: OpenAPI YAML.}
  /api/v1/accounts:
    get:
      summary: Accounts the caller may see.
      parameters:
        - {name: role, in: query, schema: {type: string, enum: [admin, reseller, user]}}
        - {name: reseller, in: query, schema: {type: string}}
      responses:
        "200":
          description: The accounts.
          content:
            application/json:
              schema:
                type: object
                properties:
                  accounts: {type: array, items: {$ref: "#/components/schemas/Account"}}
    post:
      summary: Create an account (the admin any; a reseller its own users).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/AccountRequest"}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Account"}
        "400": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /api/v1/accounts/{system_id}:
    parameters:
      - $ref: "#/components/parameters/systemId"
    get:
      summary: One account.
      responses:
        "200":
          description: The account.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Account"}
        "404": {$ref: "#/components/responses/Error"}
    patch:
      summary: Change an account (disable with enabled false; its sessions are detached).
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/AccountRequest"}
      responses:
        "200":
          description: The changed account.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Account"}
        "400": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
    delete:
      summary: Remove an account (not one that still owns users).
      responses:
        "204": {description: Removed.}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /api/v1/accounts/{system_id}/credit:
    parameters:
      - $ref: "#/components/parameters/systemId"
    get:
      summary: Balance and ledger, newest first.
      parameters:
        - $ref: "#/components/parameters/limit"
        - {name: before, in: query, schema: {type: integer}}
      responses:
        "200":
          description: Balance and entries.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Credit"}
    post:
      summary: The admin tops up any account; a reseller moves its own credit to a user (negative takes it back).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties:
                amount: {type: integer}
                reason: {type: string}
      responses:
        "200":
          description: The new balance and the entries written.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Credit"}
        "403": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /api/v1/accounts/{system_id}/tokens:
    parameters:
      - $ref: "#/components/parameters/systemId"
    get:
      summary: The account's API tokens (never their secrets).
      responses:
        "200":
          description: Tokens.
          content:
            application/json:
              schema:
                type: object
                properties:
                  tokens: {type: array, items: {$ref: "#/components/schemas/Token"}}
    post:
      summary: A new token; its text is shown in this answer only.
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: {type: string}
      responses:
        "201":
          description: The token.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Token"}
  /api/v1/accounts/{system_id}/tokens/{id}:
    parameters:
      - $ref: "#/components/parameters/systemId"
      - {name: id, in: path, required: true, schema: {type: integer}}
    delete:
      summary: Revoke a token; it stops working at once.
      responses:
        "204": {description: Revoked.}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/sessions:
    get:
      summary: Bound SMPP sessions.
      parameters:
        - {name: account, in: query, schema: {type: string}}
      responses:
        "200":
          description: Sessions.
          content:
            application/json:
              schema:
                type: object
                properties:
                  sessions: {type: array, items: {$ref: "#/components/schemas/Session"}}
    delete:
      summary: Detach every session of an account (unbind, then close after the grace period).
      parameters:
        - {name: account, in: query, required: true, schema: {type: string}}
      responses:
        "202": {description: Detaching.}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/sessions/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    delete:
      summary: Detach one session.
      responses:
        "202": {description: Detaching.}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/messages:
    get:
      summary: Search messages, newest first.
      parameters:
        - {name: id, in: query, schema: {type: string}}
        - {name: sender, in: query, schema: {type: string}}
        - {name: to, in: query, schema: {type: string}}
        - {name: campaign, in: query, schema: {type: string}}
        - {name: account, in: query, schema: {type: string}}
        - {name: status, in: query, schema: {type: string}}
        - {name: since, in: query, schema: {type: string, format: date-time}}
        - {name: until, in: query, schema: {type: string, format: date-time}}
        - {name: before, in: query, schema: {type: string}, description: The next value of the previous page.}
        - $ref: "#/components/parameters/limit"
      responses:
        "200":
          description: A page of messages.
          content:
            application/json:
              schema:
                type: object
                properties:
                  messages: {type: array, items: {$ref: "#/components/schemas/Message"}}
                  next: {type: [string, "null"]}
    post:
      summary: Send SMS as the caller's account, to one number, a list, or a batch of different messages.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                from: {type: string}
                to: {oneOf: [{type: string}, {type: array, items: {type: string}}]}
                text: {type: string}
                campaign: {type: string}
                messages:
                  type: array
                  items:
                    type: object
                    required: [to, text]
                    properties:
                      from: {type: string}
                      to: {type: string}
                      text: {type: string}
      responses:
        "202":
          description: Stored and queued (per-recipient results; refused ones say why).
          content:
            application/json:
              schema:
                type: object
                properties:
                  accepted: {type: integer}
                  results:
                    type: array
                    items:
                      type: object
                      properties:
                        to: {type: string}
                        ids: {type: array, items: {type: string}}
                        status: {type: string}
                        reason: {type: [string, "null"]}
        "422": {description: No recipient was accepted; each result says why.}
  /api/v1/messages/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      summary: One message with its text, timeline, receipts and charge.
      responses:
        "200":
          description: The message.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Message"}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/campaigns:
    get:
      summary: Campaigns with their counts.
      parameters:
        - {name: account, in: query, schema: {type: string}}
        - {name: name, in: query, schema: {type: string}}
        - $ref: "#/components/parameters/limit"
      responses:
        "200":
          description: Campaigns.
          content:
            application/json:
              schema:
                type: object
                properties:
                  campaigns: {type: array, items: {$ref: "#/components/schemas/Campaign"}}
  /api/v1/campaigns/{name}:
    parameters:
      - {name: name, in: path, required: true, schema: {type: string}}
    get:
      summary: One campaign, per account that sent it.
      responses:
        "200":
          description: The campaign.
          content:
            application/json:
              schema:
                type: object
                properties:
                  campaigns: {type: array, items: {$ref: "#/components/schemas/Campaign"}}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/stats:
    get:
      summary: Consumption per account and per reseller, by hour or day; sessions bound now.
      parameters:
        - {name: since, in: query, schema: {type: string}}
        - {name: until, in: query, schema: {type: string}}
        - {name: by, in: query, schema: {type: string, enum: [hour, day]}}
        - {name: account, in: query, schema: {type: string}}
      responses:
        "200":
          description: Figures.
          content:
            application/json:
              schema:
                type: object
                properties:
                  since: {type: string, format: date-time}
                  until: {type: string, format: date-time}
                  by: {type: string}
                  accounts:
                    type: array
                    items:
                      type: object
                      properties:
                        system_id: {type: string}
                        role: {type: string}
                        reseller: {type: [string, "null"]}
                        periods: {type: array, items: {$ref: "#/components/schemas/Period"}}
                  resellers:
                    type: array
                    items:
                      type: object
                      properties:
                        system_id: {type: string}
                        periods: {type: array, items: {$ref: "#/components/schemas/Period"}}
                  sessions_now:
                    type: array
                    items:
                      type: object
                      properties:
                        system_id: {type: string}
                        sessions: {type: integer}
  /api/v1/audit:
    get:
      summary: Changes made through the API and the CLI, newest first.
      parameters:
        - $ref: "#/components/parameters/limit"
        - {name: before, in: query, schema: {type: integer}}
      responses:
        "200":
          description: Entries.
  /api/v1/connectors:
    get:
      summary: Upstream connectors and their state (admin only).
      responses:
        "200":
          description: Connectors.
        "403": {$ref: "#/components/responses/Error"}
  /api/v1/reload:
    post:
      summary: Reload the config and scripts, as SIGHUP does (admin only).
      responses:
        "200": {description: Reloaded; the changes.}
        "403": {$ref: "#/components/responses/Error"}
        "422": {description: Refused; every problem as FILE:LINE reason.}
"""#
}
