//! The one output model every decoder fills: an ordered tree rendered either as JSON
//! ([`Value::write_json`], through its `serde::Serialize` impl and `serde_json`) or as
//! indented text ([`Value::write_text`]), so that both outputs
//! always carry the same fields under the same names.

use std::fmt::Write as _;

/// A node of the output tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// JSON `null`; text `-`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An unsigned integer.
    Int(u64),
    /// A string.
    Str(String),
    /// Bytes: a lowercase hex string in both outputs.
    Bytes(Vec<u8>),
    /// A wire enum value: JSON `{"value": n, "name": "Name" | null}`; text `Name (n)`.
    Enum {
        /// The value on the wire.
        value: u64,
        /// Its name, `None` when the value is not one the decoder knows.
        name: Option<String>,
    },
    /// A list.
    List(Vec<Value>),
    /// An object with its fields in a fixed order.
    Obj(Obj),
}

/// An object: fields in insertion order, names fixed at compile time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Obj(pub Vec<(&'static str, Value)>);

impl Obj {
    /// An empty object.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Appends a field (builder style).
    #[must_use]
    pub fn with(mut self, key: &'static str, v: impl Into<Value>) -> Self {
        self.0.push((key, v.into()));
        self
    }

    /// Appends a field.
    pub fn set(&mut self, key: &'static str, v: impl Into<Value>) {
        self.0.push((key, v.into()));
    }

    /// Replaces a field's value (or appends it).
    pub fn replace(&mut self, key: &'static str, v: impl Into<Value>) {
        let v = v.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = v,
            None => self.0.push((key, v)),
        }
    }

    /// A field's value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl From<Obj> for Value {
    fn from(o: Obj) -> Self {
        Self::Obj(o)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}
impl From<u8> for Value {
    fn from(v: u8) -> Self {
        Self::Int(v.into())
    }
}
impl From<u16> for Value {
    fn from(v: u16) -> Self {
        Self::Int(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Self::Int(v.into())
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Self::Int(v)
    }
}
impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Self::Int(u64::try_from(v).unwrap_or(u64::MAX))
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}
impl From<&[u8]> for Value {
    fn from(b: &[u8]) -> Self {
        Self::Bytes(b.to_vec())
    }
}
impl From<Vec<Value>> for Value {
    fn from(l: Vec<Value>) -> Self {
        Self::List(l)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Self::Null, Into::into)
    }
}

/// A wire enum as a [`Value::Enum`] (the `wire_enum!` types: `to_wire`, `is_known`, `Debug`).
#[macro_export]
#[doc(hidden)]
macro_rules! en {
    ($e:expr) => {{
        let e = $e;
        $crate::value::Value::Enum {
            value: u64::from(e.to_wire()),
            name: e.is_known().then(|| format!("{e:?}")),
        }
    }};
}

/// A plain number shown with a name from a table (for codes without a wire enum).
pub fn named(value: u64, name: Option<&str>) -> Value {
    Value::Enum {
        value,
        name: name.map(str::to_owned),
    }
}

/// Lowercase hex.
pub fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Self::Null => s.serialize_unit(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Int(n) => s.serialize_u64(*n),
            Self::Str(t) => s.serialize_str(t),
            Self::Bytes(b) => s.serialize_str(&hex(b)),
            Self::Enum { value, name } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("value", value)?;
                m.serialize_entry("name", name)?;
                m.end()
            }
            Self::List(l) => {
                let mut q = s.serialize_seq(Some(l.len()))?;
                for v in l {
                    q.serialize_element(v)?;
                }
                q.end()
            }
            Self::Obj(o) => o.serialize(s),
        }
    }
}

impl serde::Serialize for Obj {
    /// The fields in insertion order.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Value {
    /// Appends the JSON text of the value (compact, one line), written by `serde_json`.
    pub fn write_json(&self, out: &mut String) {
        out.push_str(&self.to_json());
    }

    /// The JSON text of the value (compact, one line), written by `serde_json`. DEL and the
    /// line / paragraph separators U+2028 / U+2029, which JSON allows raw but JavaScript
    /// source and some log viewers do not, are escaped as well (they can only occur inside
    /// strings, so the replacement keeps the text valid JSON of the same value).
    pub fn to_json(&self) -> String {
        // Serializing this tree cannot fail: every map key is a string.
        let s = serde_json::to_string(self).unwrap_or_default();
        if s.contains(['\u{7f}', '\u{2028}', '\u{2029}']) {
            s.replace('\u{7f}', "\\u007f")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029")
        } else {
            s
        }
    }

    fn scalar_text(&self) -> Option<String> {
        Some(match self {
            Self::Null => "-".to_owned(),
            Self::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
            Self::Int(n) => n.to_string(),
            Self::Str(s) => s.escape_debug().to_string(),
            Self::Bytes(b) if b.is_empty() => "(empty)".to_owned(),
            Self::Bytes(b) => hex(b),
            Self::Enum { value, name } => match name {
                Some(n) => format!("{n} ({value})"),
                None => format!("unknown ({value})"),
            },
            Self::List(l) if l.is_empty() => "[]".to_owned(),
            Self::Obj(o) if o.0.is_empty() => "{}".to_owned(),
            Self::List(_) | Self::Obj(_) => return None,
        })
    }

    /// Appends the value as indented `key: value` text, one field per line.
    pub fn write_text(&self, out: &mut String) {
        match self {
            Self::Obj(o) => write_obj(out, o, 0),
            Self::List(l) => write_list(out, l, 0),
            v => {
                out.push_str(&v.scalar_text().unwrap_or_default());
                out.push('\n');
            }
        }
    }
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push_str("  ");
    }
}

fn write_field(out: &mut String, k: &str, v: &Value, level: usize) {
    out.push_str(k);
    out.push(':');
    match v.scalar_text() {
        Some(s) => {
            out.push(' ');
            out.push_str(&s);
            out.push('\n');
        }
        None => {
            out.push('\n');
            match v {
                Value::Obj(o) => write_obj(out, o, level + 1),
                Value::List(l) => write_list(out, l, level + 1),
                _ => {}
            }
        }
    }
}

fn write_obj(out: &mut String, o: &Obj, level: usize) {
    for (k, v) in &o.0 {
        indent(out, level);
        write_field(out, k, v, level);
    }
}

fn write_list(out: &mut String, l: &[Value], level: usize) {
    for v in l {
        indent(out, level);
        out.push_str("- ");
        match v {
            Value::Obj(o) if !o.0.is_empty() => {
                // First field on the dash line, the others aligned under it.
                for (i, (k, fv)) in o.0.iter().enumerate() {
                    if i > 0 {
                        indent(out, level + 1);
                    }
                    write_field(out, k, fv, level + 1);
                }
            }
            Value::List(inner) if !inner.is_empty() => {
                out.push('\n');
                write_list(out, inner, level + 1);
            }
            v => {
                out.push_str(&v.scalar_text().unwrap_or_default());
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn json_escapes_and_shapes() {
        let v = Value::from(
            Obj::new()
                .with("s", "a\"b\\c\n\u{1}é\u{7f}\u{2028}\u{2029}\t")
                .with("b", &[0xde_u8, 0xad][..])
                .with("e", named(3, Some("X")))
                .with("u", named(9, None))
                .with("l", vec![Value::Null, Value::Bool(true), Value::Int(7)]),
        );
        assert_eq!(
            v.to_json(),
            r#"{"s":"a\"b\\c\n\u0001é\u007f\u2028\u2029\t","b":"dead","e":{"value":3,"name":"X"},"u":{"value":9,"name":null},"l":[null,true,7]}"#
        );
    }

    #[test]
    fn text_layout() {
        let v = Value::from(Obj::new().with("a", 1u8).with(
            "items",
            vec![Value::from(
                    Obj::new().with("x", 2u8).with("y", Obj::new().with("z", 3u8)),
                )],
        ));
        let mut s = String::new();
        v.write_text(&mut s);
        assert_eq!(s, "a: 1\nitems:\n  - x: 2\n    y:\n      z: 3\n");
    }
}
