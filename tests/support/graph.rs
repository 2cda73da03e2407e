//! A fake Meta Graph API, enough of it to serve Hearken's Facebook and
//! Instagram connectors as the real one answers: field expansion on a node
//! (`GET /v21.0/{id}?fields=feed.since(T).limit(100){id,message,from{id,name}},…`)
//! and edges on their own (`GET /v21.0/{id}/{edge}?fields=…&since=…&after=…`),
//! with cursor paging. A nested edge comes back as its own
//! `{"data":[…],"paging":{…}}` and is left out when it has no data; a
//! `paging.next` points at the edge's own address (carrying the token, as
//! Meta's do).
//!
//! The data comes from a function `(node id, edge name, parameters) ->
//! Some(every item, in the edge's order)`, or None when the node has no such
//! edge. `since` / `until` keep items whose `updated_time` (else
//! `created_time`, else `timestamp`) is within them, inclusive; `after` and
//! `limit` page what is left, with cursors of the form `cur<offset>`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{Reply, SeenRequest};

/// The Graph API version the connectors speak.
pub const VERSION: &str = "v21.0";

/// One requested field: `name.modifier(value)…{sub-fields}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub modifiers: BTreeMap<String, String>,
    pub sub: Vec<Field>,
}

/// Reads a `fields` parameter, nested braces and modifiers included.
pub fn parse_fields(text: &str) -> Vec<Field> {
    split_top(text)
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| parse_field(p.trim()))
        .collect()
}

fn split_top(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0i32, 0, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '{' | '(' => depth += 1,
            '}' | ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_field(text: &str) -> Field {
    let (head, sub) = match text.find('{') {
        Some(i) if text.ends_with('}') => (&text[..i], parse_fields(&text[i + 1..text.len() - 1])),
        _ => (text, Vec::new()),
    };
    let mut pieces = head.splitn(2, '.');
    let name = pieces.next().unwrap_or("").to_string();
    let mut modifiers = BTreeMap::new();
    let mut rest = pieces.next().unwrap_or("");
    while let Some(open) = rest.find('(') {
        let close = rest[open..]
            .find(')')
            .map(|c| open + c)
            .unwrap_or(rest.len());
        let key = rest[..open].trim_start_matches('.').to_string();
        modifiers.insert(key, rest[open + 1..close].to_string());
        rest = rest.get(close + 1..).unwrap_or("");
    }
    Field {
        name,
        modifiers,
        sub,
    }
}

/// Where the data comes from: every item of `edge` under `node`, in order.
pub type Data<'a> = dyn Fn(&str, &str, &BTreeMap<String, String>) -> Option<Vec<Value>> + 'a;

/// How the fake answers: its own address (for `paging.next`), the token
/// `next` links carry, the most items it puts on a page whatever `limit`
/// asks (Meta may return fewer), and where its data comes from.
pub struct Fake<'a> {
    pub base: &'a str,
    pub token: &'a str,
    pub max_page: usize,
    pub data: &'a Data<'a>,
}

/// Answers a Graph API request as `fake` says.
pub fn answer(req: &SeenRequest, fake: &Fake<'_>) -> Reply {
    let data = fake.data;
    // The API may sit under a path of its own (the bench serves every
    // platform from one server): what follows `/v21.0/` is the Graph path.
    let prefix = format!("/{VERSION}/");
    let Some(at) = req.route().find(&prefix) else {
        return unknown(req.route());
    };
    let path = &req.route()[at + prefix.len()..];
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let fields = parse_fields(&req.query("fields").unwrap_or_default());
    match segments.as_slice() {
        [node] => {
            let mut out = Map::new();
            out.insert("id".into(), json!(node));
            for field in &fields {
                match data(node, &field.name, &field.modifiers) {
                    Some(items) => {
                        let page = edge_page(fake, node, field, items);
                        if !page["data"].as_array().unwrap().is_empty() {
                            out.insert(field.name.clone(), page);
                        }
                    }
                    None if field.name == "id" => {}
                    None => return unknown_field(&field.name),
                }
            }
            Reply::json(200, &Value::Object(out))
        }
        [node, edge] => {
            let mut params: BTreeMap<String, String> = BTreeMap::new();
            for key in ["since", "until", "after", "limit", "filter", "order"] {
                if let Some(v) = req.query(key) {
                    params.insert(key.into(), v);
                }
            }
            let field = Field {
                name: edge.to_string(),
                modifiers: params,
                sub: fields,
            };
            match data(node, edge, &field.modifiers) {
                Some(items) => Reply::json(200, &edge_page(fake, node, &field, items)),
                None => unknown(req.route()),
            }
        }
        _ => unknown(req.route()),
    }
}

/// An item's time for `since` / `until`: last update, else creation.
fn item_time(item: &Value) -> Option<i64> {
    ["updated_time", "created_time", "timestamp"]
        .iter()
        .find_map(|k| item[*k].as_str())
        .and_then(hearken_lib::clock::parse_lenient)
        .map(|t| t.unix_timestamp())
}

/// One page of an edge, its items cut to the fields asked for.
pub fn edge_page(fake: &Fake<'_>, node: &str, field: &Field, items: Vec<Value>) -> Value {
    let m = &field.modifiers;
    let num = |k: &str| m.get(k).and_then(|v| v.parse::<i64>().ok());
    let (since, until) = (num("since"), num("until"));
    let items: Vec<Value> = items
        .into_iter()
        .filter(|i| match item_time(i) {
            Some(t) => since.is_none_or(|s| t >= s) && until.is_none_or(|u| t <= u),
            None => true,
        })
        .collect();
    let start = m
        .get("after")
        .and_then(|a| a.strip_prefix("cur"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let limit = (num("limit").unwrap_or(25).max(1) as usize).min(fake.max_page);
    let end = (start + limit).min(items.len());
    let page: Vec<Value> = items
        .get(start.min(items.len())..end)
        .unwrap_or(&[])
        .iter()
        .map(|i| project(fake, i, &field.sub))
        .collect();
    let mut out = json!({ "data": page });
    if !page.is_empty() {
        out["paging"] =
            json!({"cursors": {"before": format!("cur{start}"), "after": format!("cur{end}")}});
    }
    if end < items.len() {
        let mut next =
            url::Url::parse(&format!("{}/{VERSION}/{node}/{}", fake.base, field.name)).unwrap();
        {
            let mut q = next.query_pairs_mut();
            q.append_pair("access_token", fake.token);
            q.append_pair("fields", &unparse(&field.sub));
            for (k, v) in m.iter().filter(|(k, _)| *k != "after") {
                q.append_pair(k, v);
            }
            q.append_pair("after", &format!("cur{end}"));
        }
        out["paging"]["next"] = json!(next.to_string());
    }
    out
}

/// An item with only the fields asked for; nested edges become pages.
fn project(fake: &Fake<'_>, item: &Value, fields: &[Field]) -> Value {
    if fields.is_empty() {
        return item.clone();
    }
    let id = item["id"].as_str().unwrap_or("");
    let mut out = Map::new();
    for f in fields {
        if let Some(items) = (fake.data)(id, &f.name, &f.modifiers) {
            let page = edge_page(fake, id, f, items);
            if !page["data"].as_array().unwrap().is_empty() {
                out.insert(f.name.clone(), page);
            }
            continue;
        }
        let Some(value) = item.get(&f.name) else {
            continue;
        };
        let value = match value {
            // An edge written into the item: its items, cut to the sub-fields.
            Value::Object(o) if o.get("data").is_some_and(Value::is_array) => {
                let inner: Vec<Value> = o["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| project(fake, i, &f.sub))
                    .collect();
                json!({ "data": inner })
            }
            Value::Object(_) => project(fake, value, &f.sub),
            other => other.clone(),
        };
        out.insert(f.name.clone(), value);
    }
    Value::Object(out)
}

/// Fields back into the `fields` parameter's form.
pub fn unparse(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| {
            let mods: String = f
                .modifiers
                .iter()
                .map(|(k, v)| format!(".{k}({v})"))
                .collect();
            if f.sub.is_empty() {
                format!("{}{mods}", f.name)
            } else {
                format!("{}{mods}{{{}}}", f.name, unparse(&f.sub))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn unknown(route: &str) -> Reply {
    Reply::json(
        400,
        &json!({"error": {"message": format!("Unsupported get request. Object with ID '{route}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", ), "type": "GraphMethodException", "code": 100, "error_subcode": 33, "fbtrace_id": "AxFake"}}),
    )
}

fn unknown_field(name: &str) -> Reply {
    Reply::json(
        400,
        &json!({"error": {"message": format!("(#100) Tried accessing nonexisting field ({name})"), "type": "OAuthException", "code": 100, "fbtrace_id": "AxFake"}}),
    )
}

/// The checks on the parser itself run with the connector tests.
pub fn self_check() {
    let f = parse_fields(
        "feed.since(5).limit(100){id,from{id,name}},published_posts.limit(10){id,comments.filter(stream).order(reverse_chronological).limit(100){id,parent{id}}}",
    );
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].name, "feed");
    assert_eq!(f[0].modifiers["since"], "5");
    assert_eq!(f[0].modifiers["limit"], "100");
    assert_eq!(f[0].sub[1].name, "from");
    assert_eq!(f[0].sub[1].sub.len(), 2);
    let comments = &f[1].sub[1];
    assert_eq!(comments.name, "comments");
    assert_eq!(comments.modifiers["order"], "reverse_chronological");
    assert_eq!(comments.sub[1].sub[0].name, "id");
    assert_eq!(parse_fields(&unparse(&f)), f);
}
