//! One typed parse of the manifest text, straight into the model, with every key's place.
//!
//! serde-saphyr reads the YAML into the plain `#[derive(Deserialize)]` model. A thin wrapping
//! deserializer (`Tracked`) rides along and, from the parser's own spans:
//! - records where each key path is written (`Positions`), for every later diagnostic;
//! - collects the keys the model does not know (serde calls `deserialize_ignored_any` for them);
//! - resolves `${VAR}`, but only where the model asks for a `Secret` (by the newtype name
//!   `SECRET_NEWTYPE`): everywhere else a reference is refused at its key;
//! - treats a key written with nothing after it as absent (`alerts:` is `alerts: {}`).
//!
//! serde stops at the first type error; the path that failed is then skipped and the text
//! parsed again, so one run reports every type error (at most `MAX_TYPE_ERRORS`).

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::Deserialize;

use super::diagnostic::{Diagnostic, DiagnosticKind, Location};
use super::env;
use super::keys::{keys_at, path_string, segments_of, Segment};
use super::model::Manifest;
use super::spans::Positions;
use super::yaml_problems;
use crate::suggest::did_you_mean;

/// The newtype name by which `Secret` asks the loader for a value that may come from `${VAR}`.
pub(crate) const SECRET_NEWTYPE: &str = "stackctl::manifest::Secret";

/// serde-saphyr's name for "hand me this node's span with its value".
const SPANNED: &str = "__yaml_spanned";

/// At most this many type errors are reported before giving up on the rest.
const MAX_TYPE_ERRORS: usize = 32;

/// The deepest nesting of mappings and sequences a manifest may have.
pub(crate) const MAX_DEPTH: usize = 64;

/// The typed manifest when it could be built, and every problem found on the way.
#[derive(Debug, Default)]
pub(crate) struct Typed {
    pub manifest: Option<Manifest>,
    pub problems: Vec<Diagnostic>,
    /// Key paths a misspelt key was probably meant for, and the mappings holding misspelt
    /// keys: a validation problem there (`receiver has no channel`) is a consequence, not news.
    pub shadowed: Vec<String>,
    pub positions: Positions,
    /// Values substituted from `${VAR}` into secret fields; never printed.
    pub secret_values: Vec<String>,
}

/// Parses `source`; `env` answers `${VAR}` lookups for secret fields.
pub fn parse(source: &str, env: &dyn Fn(&str) -> Option<String>) -> Typed {
    let mut skip: HashSet<String> = HashSet::new();
    let mut type_problems: Vec<Diagnostic> = Vec::new();
    // Unknown keys of every attempt, with their place: a later attempt skips the nodes that
    // failed before and so may not see them again.
    let mut unknown: Vec<(String, Option<Location>)> = Vec::new();
    loop {
        let context = Context {
            skip: &skip,
            env,
            state: RefCell::new(State::default()),
        };
        let result = serde_saphyr::with_deserializer_from_str_with_options(
            source,
            options(),
            |deserializer| {
                Manifest::deserialize(Tracked {
                    de: deserializer,
                    cx: &context,
                    spanned: true,
                    key: false,
                })
            },
        );
        let mut state = context.state.into_inner();
        for path in std::mem::take(&mut state.unknown) {
            if !unknown.iter().any(|(known, _)| *known == path) {
                let at = state.positions.find_key(&path);
                unknown.push((path, at));
            }
        }
        match result {
            Ok(manifest) => return finish(Some(manifest), state, type_problems, &unknown),
            Err(error) => {
                let path = state.error_path.clone().unwrap_or_default();
                let (problem, recoverable) =
                    yaml_problems::describe(&error, &path, &state.positions, source);
                // A required key that was skipped because its value was wrong is not also
                // "missing" (`version: 'one'` is one problem, not two).
                if !skip.contains(&problem.path) {
                    type_problems.push(problem);
                }
                let retry = recoverable
                    && !path.is_empty()
                    && !skip.contains(&path)
                    && type_problems.len() < MAX_TYPE_ERRORS;
                if !retry {
                    return finish(None, state, type_problems, &unknown);
                }
                skip.insert(path);
            }
        }
    }
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_documents: 1,
        },
        reject_unsupported_tags: true,
        with_snippet: false,
    }
}

fn finish(
    manifest: Option<Manifest>,
    state: State,
    type_problems: Vec<Diagnostic>,
    unknown: &[(String, Option<Location>)],
) -> Typed {
    let unknown: Vec<(Vec<Segment>, Option<Location>)> = unknown
        .iter()
        .map(|(path, at)| (segments_of(path), *at))
        .filter(|(path, _)| !is_extension(path))
        .collect();
    let paths: Vec<Vec<Segment>> = unknown.iter().map(|(p, _)| p.clone()).collect();
    let shadowed = shadowed_paths(&paths);
    let mut problems = state.problems;
    // A missing key that a misspelt one was meant to be is not repeated.
    problems.extend(
        type_problems
            .into_iter()
            .filter(|p| !(p.kind == DiagnosticKind::MissingKey && shadowed.contains(&p.path))),
    );
    problems.extend(unknown.iter().map(|(p, at)| unknown_key(p, *at)));
    Typed {
        manifest,
        problems,
        shadowed,
        positions: state.positions,
        secret_values: state.secrets,
    }
}

/// What one parse shares with every level of the wrapping deserializer.
struct Context<'a> {
    /// Paths that failed to parse in an earlier attempt: read as absent this time.
    skip: &'a HashSet<String>,
    env: &'a dyn Fn(&str) -> Option<String>,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// The key path being read (`scrape[2].timeout`).
    path: String,
    positions: Positions,
    /// Key paths the model did not ask for.
    unknown: Vec<String>,
    /// Where the first error arose (the innermost path).
    error_path: Option<String>,
    /// Inside a `Secret`: the only place `${VAR}` is resolved.
    in_secret: bool,
    secrets: Vec<String>,
    /// Reference problems: reported, without stopping the parse.
    problems: Vec<Diagnostic>,
    /// Where the mapping key read last is written.
    key_location: Option<Location>,
}

impl State {
    fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn note_error(&mut self) {
        if self.error_path.is_none() {
            self.error_path = Some(self.path.clone());
        }
    }

    /// `text` with its references resolved, if it has any; a refused reference is recorded.
    fn resolve(&mut self, text: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        if !text.contains('$') {
            return None;
        }
        let lookup = if self.in_secret { Some(env) } else { None };
        match env::resolve_str(text, lookup) {
            Ok(resolved) => {
                for value in resolved.from_environment {
                    if !value.is_empty() && !self.secrets.contains(&value) {
                        self.secrets.push(value);
                    }
                }
                (resolved.text != text).then_some(resolved.text)
            }
            Err(problem) => {
                let diagnostic = problem.into_diagnostic(&self.path);
                self.problems.push(diagnostic);
                None
            }
        }
    }
}

/// Which `deserialize_*` the model called, replayed on the inner deserializer.
#[derive(Clone, Copy)]
enum Call {
    Any,
    Bool,
    I8,
    I16,
    I32,
    I64,
    I128,
    U8,
    U16,
    U32,
    U64,
    U128,
    F32,
    F64,
    Char,
    Str,
    String,
    Bytes,
    ByteBuf,
    Option,
    Unit,
    UnitStruct(&'static str),
    NewtypeStruct(&'static str),
    Seq,
    Tuple(usize),
    TupleStruct(&'static str, usize),
    Map,
    Struct(&'static str, &'static [&'static str]),
    Enum(&'static str, &'static [&'static str]),
    Identifier,
    IgnoredAny,
}

impl Call {
    fn is_container(self) -> bool {
        matches!(self, Call::Seq | Call::Map | Call::Struct(..))
    }

    fn dispatch<'de, D: Deserializer<'de>, V: Visitor<'de>>(
        self,
        de: D,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        match self {
            Call::Any => de.deserialize_any(visitor),
            Call::Bool => de.deserialize_bool(visitor),
            Call::I8 => de.deserialize_i8(visitor),
            Call::I16 => de.deserialize_i16(visitor),
            Call::I32 => de.deserialize_i32(visitor),
            Call::I64 => de.deserialize_i64(visitor),
            Call::I128 => de.deserialize_i128(visitor),
            Call::U8 => de.deserialize_u8(visitor),
            Call::U16 => de.deserialize_u16(visitor),
            Call::U32 => de.deserialize_u32(visitor),
            Call::U64 => de.deserialize_u64(visitor),
            Call::U128 => de.deserialize_u128(visitor),
            Call::F32 => de.deserialize_f32(visitor),
            Call::F64 => de.deserialize_f64(visitor),
            Call::Char => de.deserialize_char(visitor),
            Call::Str => de.deserialize_str(visitor),
            Call::String => de.deserialize_string(visitor),
            Call::Bytes => de.deserialize_bytes(visitor),
            Call::ByteBuf => de.deserialize_byte_buf(visitor),
            Call::Option => de.deserialize_option(visitor),
            Call::Unit => de.deserialize_unit(visitor),
            Call::UnitStruct(name) => de.deserialize_unit_struct(name, visitor),
            Call::NewtypeStruct(name) => de.deserialize_newtype_struct(name, visitor),
            Call::Seq => de.deserialize_seq(visitor),
            Call::Tuple(len) => de.deserialize_tuple(len, visitor),
            Call::TupleStruct(name, len) => de.deserialize_tuple_struct(name, len, visitor),
            Call::Map => de.deserialize_map(visitor),
            Call::Struct(name, fields) => de.deserialize_struct(name, fields, visitor),
            Call::Enum(name, variants) => de.deserialize_enum(name, variants, visitor),
            Call::Identifier => de.deserialize_identifier(visitor),
            Call::IgnoredAny => de.deserialize_ignored_any(visitor),
        }
    }
}

/// The wrapping deserializer: one per node.
struct Tracked<'a, D> {
    de: D,
    cx: &'a Context<'a>,
    /// Ask the inner deserializer for this node's span (once per node, not again for the
    /// `Some` or newtype inside it).
    spanned: bool,
    /// This node is a mapping key.
    key: bool,
}

impl<'a, 'de, D: Deserializer<'de>> Tracked<'a, D> {
    fn run<V: Visitor<'de>>(self, call: Call, visitor: V) -> Result<V::Value, D::Error> {
        let cx = self.cx;
        if matches!(call, Call::IgnoredAny) {
            // A key the model does not know: noted, and its value skipped unread.
            if !self.key {
                let mut state = cx.state.borrow_mut();
                let path = state.path.clone();
                state.unknown.push(path);
            }
            return self.de.deserialize_ignored_any(visitor);
        }
        let was_secret = {
            let mut state = cx.state.borrow_mut();
            let was = state.in_secret;
            if matches!(call, Call::NewtypeStruct(SECRET_NEWTYPE)) {
                state.in_secret = true;
            }
            was
        };
        // Containers go through `deserialize_any` so that an empty value (`alerts:`) reaches
        // `Wrap`, which reads it as an empty container instead of failing.
        let inner = if call.is_container() { Call::Any } else { call };
        let wrap = Wrap {
            visitor,
            cx,
            call,
            key: self.key,
        };
        let result = if self.spanned {
            self.de.deserialize_newtype_struct(
                SPANNED,
                SpanCatcher {
                    call: inner,
                    wrap,
                    key: self.key,
                },
            )
        } else {
            inner.dispatch(self.de, wrap)
        };
        let mut state = cx.state.borrow_mut();
        state.in_secret = was_secret;
        if result.is_err() {
            state.note_error();
        }
        result
    }
}

macro_rules! tracked_methods {
    ($($method:ident => $call:expr,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.run($call, visitor)
        }
    )*};
}

impl<'a, 'de, D: Deserializer<'de>> Deserializer<'de> for Tracked<'a, D> {
    type Error = D::Error;

    tracked_methods! {
        deserialize_any => Call::Any,
        deserialize_bool => Call::Bool,
        deserialize_i8 => Call::I8,
        deserialize_i16 => Call::I16,
        deserialize_i32 => Call::I32,
        deserialize_i64 => Call::I64,
        deserialize_i128 => Call::I128,
        deserialize_u8 => Call::U8,
        deserialize_u16 => Call::U16,
        deserialize_u32 => Call::U32,
        deserialize_u64 => Call::U64,
        deserialize_u128 => Call::U128,
        deserialize_f32 => Call::F32,
        deserialize_f64 => Call::F64,
        deserialize_char => Call::Char,
        deserialize_str => Call::Str,
        deserialize_string => Call::String,
        deserialize_bytes => Call::Bytes,
        deserialize_byte_buf => Call::ByteBuf,
        deserialize_option => Call::Option,
        deserialize_unit => Call::Unit,
        deserialize_seq => Call::Seq,
        deserialize_map => Call::Map,
        deserialize_identifier => Call::Identifier,
        deserialize_ignored_any => Call::IgnoredAny,
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.run(Call::UnitStruct(name), visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.run(Call::NewtypeStruct(name), visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.run(Call::Tuple(len), visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.run(Call::TupleStruct(name, len), visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.run(Call::Struct(name, fields), visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.run(Call::Enum(name, variants), visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// Receives serde-saphyr's `{value, referenced, defined}` view of a node: the value is read
/// with the call the model made, then its place is recorded.
struct SpanCatcher<'a, V> {
    call: Call,
    wrap: Wrap<'a, V>,
    key: bool,
}

impl<'a, 'de, V: Visitor<'de>> Visitor<'de> for SpanCatcher<'a, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.wrap.visitor.expecting(f)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        de.deserialize_any(SpanFields(self))
    }
}

struct SpanFields<'a, V>(SpanCatcher<'a, V>);

impl<'a, 'de, V: Visitor<'de>> Visitor<'de> for SpanFields<'a, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.wrap.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        let SpanCatcher { call, wrap, key } = self.0;
        let cx = wrap.cx;
        // marker, value, referenced, defined: in this order.
        map.next_key::<IgnoredAny>()?;
        map.next_value::<IgnoredAny>()?;
        map.next_key::<IgnoredAny>()?;
        let value = map.next_value_seed(CallSeed { call, wrap })?;
        map.next_key::<IgnoredAny>()?;
        let referenced: serde_saphyr::Location = map.next_value()?;
        map.next_key::<IgnoredAny>()?;
        let _defined: serde_saphyr::Location = map.next_value()?;
        let Some(at) = location(&referenced) else {
            return Ok(value);
        };
        let mut state = cx.state.borrow_mut();
        if key {
            state.key_location = Some(at);
        } else {
            let path = state.path.clone();
            // A value written below its key, or an empty value: point at the key. (A mapping
            // or list was placed when it was entered, see `Wrap::enter`.)
            let at = match state.positions.key(&path) {
                Some(key_at) if key_at.line != at.line => key_at,
                _ => at,
            };
            state.positions.insert_if_absent(path, at);
        }
        Ok(value)
    }
}

pub(super) fn location(at: &serde_saphyr::Location) -> Option<Location> {
    (at.line() > 0).then(|| Location {
        line: at.line() as usize,
        column: at.column().max(1) as usize,
    })
}

struct CallSeed<'a, V> {
    call: Call,
    wrap: Wrap<'a, V>,
}

impl<'a, 'de, V: Visitor<'de>> DeserializeSeed<'de> for CallSeed<'a, V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.call.dispatch(de, self.wrap)
    }
}

/// The model's visitor, wrapped: containers keep being tracked, strings are resolved.
struct Wrap<'a, V> {
    visitor: V,
    cx: &'a Context<'a>,
    /// What the model asked for.
    call: Call,
    key: bool,
}

impl<'a, V> Wrap<'a, V> {
    fn text(&self, text: &str) -> Option<String> {
        if self.key {
            return None;
        }
        let env = self.cx.env;
        self.cx.state.borrow_mut().resolve(text, env)
    }

    /// A mapping or list introduced by a key is placed at its key (an item of a list, or the
    /// whole file, at its first key: see `TrackedMap`).
    fn enter(&self) {
        if self.key {
            return;
        }
        let mut state = self.cx.state.borrow_mut();
        let path = state.path.clone();
        if let Some(at) = state.positions.key(&path) {
            state.positions.insert_if_absent(path, at);
        }
    }

    /// `components.grafana` written with nothing after it.
    fn is_component(&self) -> bool {
        let state = self.cx.state.borrow();
        state
            .path
            .strip_prefix("components.")
            .is_some_and(|name| !name.contains(['.', '[']))
    }
}

macro_rules! forward_scalars {
    ($($method:ident($ty:ty),)*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.visitor.$method(value)
        }
    )*};
}

impl<'a, 'de, V: Visitor<'de>> Visitor<'de> for Wrap<'a, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_scalars! {
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
        visit_bytes(&[u8]),
        visit_byte_buf(Vec<u8>),
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<V::Value, E> {
        self.visitor.visit_borrowed_bytes(value)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        match self.text(value) {
            Some(resolved) => self.visitor.visit_string(resolved),
            None => self.visitor.visit_str(value),
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        match self.text(value) {
            Some(resolved) => self.visitor.visit_string(resolved),
            None => self.visitor.visit_borrowed_str(value),
        }
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        match self.text(&value) {
            Some(resolved) => self.visitor.visit_string(resolved),
            None => self.visitor.visit_string(value),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.empty(|visitor| visitor.visit_none())
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.empty(|visitor| visitor.visit_unit())
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(Tracked {
            de,
            cx: self.cx,
            spanned: false,
            key: self.key,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(Tracked {
            de,
            cx: self.cx,
            spanned: false,
            key: self.key,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if let Call::Struct(..) = self.call {
            // serde's structs also take a list of their fields in order: not in a manifest.
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self.visitor));
        }
        self.enter();
        self.visitor.visit_seq(TrackedSeq {
            seq,
            cx: self.cx,
            index: 0,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.enter();
        self.visitor.visit_map(TrackedMap {
            map,
            cx: self.cx,
            value_path: None,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(data)
    }
}

impl<'a, 'de, V: Visitor<'de>> Wrap<'a, V> {
    /// A key written with nothing after it: an empty list or mapping where the model wants
    /// one, a component with all defaults, else what the model makes of null.
    fn empty<E: de::Error>(
        self,
        otherwise: impl FnOnce(V) -> Result<V::Value, E>,
    ) -> Result<V::Value, E> {
        match self.call {
            Call::Seq => self
                .visitor
                .visit_seq(de::value::SeqDeserializer::<_, E>::new(
                    std::iter::empty::<()>(),
                )),
            Call::Map | Call::Struct(..) => {
                self.visitor
                    .visit_map(de::value::MapDeserializer::<_, E>::new(
                        std::iter::empty::<((), ())>(),
                    ))
            }
            Call::Option if self.is_component() => {
                self.visitor
                    .visit_some(de::value::MapDeserializer::<_, E>::new(
                        std::iter::empty::<((), ())>(),
                    ))
            }
            _ => otherwise(self.visitor),
        }
    }
}

struct TrackedSeq<'a, A> {
    seq: A,
    cx: &'a Context<'a>,
    index: usize,
}

impl<'a, 'de, A: SeqAccess<'de>> SeqAccess<'de> for TrackedSeq<'a, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        loop {
            let parent_len = {
                let mut state = self.cx.state.borrow_mut();
                let len = state.path.len();
                use std::fmt::Write as _;
                let _ = write!(state.path, "[{}]", self.index);
                if self.cx.skip.contains(&state.path) {
                    state.path.truncate(len);
                    drop(state);
                    self.index += 1;
                    if self.seq.next_element::<IgnoredAny>()?.is_none() {
                        return Ok(None);
                    }
                    continue;
                }
                len
            };
            let result = self.seq.next_element_seed(TrackedSeed {
                seed,
                cx: self.cx,
                key: false,
            });
            if result.is_ok() {
                self.cx.state.borrow_mut().path.truncate(parent_len);
            }
            self.index += 1;
            return result;
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

struct TrackedMap<'a, A> {
    map: A,
    cx: &'a Context<'a>,
    /// The path of the value about to be read.
    value_path: Option<String>,
}

impl<'a, 'de, A: MapAccess<'de>> MapAccess<'de> for TrackedMap<'a, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let key: Option<String> = self.map.next_key_seed(TrackedSeed {
                seed: std::marker::PhantomData::<String>,
                cx: self.cx,
                key: true,
            })?;
            let Some(key) = key else {
                return Ok(None);
            };
            let path = {
                let mut state = self.cx.state.borrow_mut();
                let path = state.child(&key);
                if let Some(at) = state.key_location.take() {
                    state.positions.insert_key(path.clone(), at);
                    let parent = state.path.clone();
                    state.positions.insert_if_absent(parent, at);
                }
                path
            };
            if self.cx.skip.contains(&path) {
                self.map.next_value::<IgnoredAny>()?;
                continue;
            }
            self.value_path = Some(path);
            return seed
                .deserialize(de::value::StringDeserializer::<A::Error>::new(key))
                .map(Some);
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let parent = {
            let mut state = self.cx.state.borrow_mut();
            let path = self.value_path.take().unwrap_or_else(|| state.path.clone());
            std::mem::replace(&mut state.path, path)
        };
        let result = self.map.next_value_seed(TrackedSeed {
            seed,
            cx: self.cx,
            key: false,
        });
        if result.is_ok() {
            self.cx.state.borrow_mut().path = parent;
        }
        result
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

struct TrackedSeed<'a, S> {
    seed: S,
    cx: &'a Context<'a>,
    key: bool,
}

impl<'a, 'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TrackedSeed<'a, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Tracked {
            de,
            cx: self.cx,
            spanned: true,
            key: self.key,
        })
    }
}

/// Top-level `x-...` keys hold YAML anchors for `<<` merges, as in Compose files.
fn is_extension(path: &[Segment]) -> bool {
    matches!(path, [Segment::Key(key)] if key.starts_with("x-"))
}

fn shadowed_paths(unknown: &[Vec<Segment>]) -> Vec<String> {
    let mut out = Vec::new();
    for path in unknown {
        let Some((Segment::Key(key), parent)) = path.split_last() else {
            continue;
        };
        out.push(path_string(parent));
        if let Some(suggestion) = keys_at(parent).and_then(|keys| did_you_mean(key, keys)) {
            let mut meant = parent.to_vec();
            meant.push(Segment::Key(suggestion.to_string()));
            out.push(path_string(&meant));
        }
    }
    out
}

fn unknown_key(path: &[Segment], at: Option<Location>) -> Diagnostic {
    let full = path_string(path);
    let (key, parent) = match path.split_last() {
        Some((Segment::Key(key), parent)) => (key.clone(), parent),
        _ => (full.clone(), path),
    };
    let message = if parent.is_empty() {
        format!("unknown top-level key `{key}`")
    } else {
        format!("unknown key `{key}` in `{}`", path_string(parent))
    };
    let mut diagnostic = Diagnostic::new(full.clone(), message);
    if let Some(hint) = super::old_ways::hint(parent, &key) {
        diagnostic = diagnostic.hint(hint);
    } else if let Some(keys) = keys_at(parent) {
        diagnostic = match did_you_mean(&key, keys) {
            Some(suggestion) => diagnostic.hint(format!("did you mean `{suggestion}`?")),
            None => diagnostic.hint(format!(
                "valid keys here: {}",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    diagnostic.location = at;
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn problems(source: &str) -> Vec<(String, String)> {
        parse(source, &no_env)
            .problems
            .into_iter()
            .map(|p| {
                (
                    p.path,
                    format!("{} | {}", p.message, p.hint.unwrap_or_default()),
                )
            })
            .collect()
    }

    const BASE: &str = "version: 1\nproject: demo\n";

    #[test]
    fn reports_every_unknown_key_at_every_depth() {
        let cases = [
            (
                "components: {prometeus: {}}",
                "components.prometeus",
                "did you mean `prometheus`?",
            ),
            (
                "components: {prometheus: {scrape_intervall: 15s}}",
                "components.prometheus.scrape_intervall",
                "`scrape_interval`",
            ),
            (
                "components: {grafana: {admin_pasword: x}}",
                "components.grafana.admin_pasword",
                "`admin_password`",
            ),
            (
                "scrape: [{job: a, targets: ['a:1'], timout: 5s}]",
                "scrape[0].timout",
                "`timeout`",
            ),
            (
                "scrape: [{job: a, probe: {module: icmp, targets: [x], modul: y}}]",
                "scrape[0].probe.modul",
                "`module`",
            ),
            (
                "exporters: [{type: redis, taget: 'r:6379'}]",
                "exporters[0].taget",
                "`target`",
            ),
            (
                "alerts: {groups: [{name: g, rules: [{alert: A, expr: up, sevrity: x}]}]}",
                "alerts.groups[0].rules[0].sevrity",
                "`severity`",
            ),
            (
                "slos: [{name: s, objective: 99, latency: {histogram: h, treshold: 1s}}]",
                "slos[0].latency.treshold",
                "`threshold`",
            ),
            (
                "notify: {default: a, receivers: {a: {emial: {to: [x]}}}}",
                "notify.receivers.a.emial",
                "`email`",
            ),
            (
                "notify: {default: a, routes: [{receiver: a, routes: [{reciever: a}]}]}",
                "notify.routes[0].routes[0].reciever",
                "`receiver`",
            ),
            (
                "notify: {default: a, quiet_hours: {n: [{time: ['22:00-23:00']}]}}",
                "notify.quiet_hours.n[0].time",
                "`times`",
            ),
            ("logs: {fles: []}", "logs.fles", "`files`"),
            ("dashbords: {}", "dashbords", "`dashboards`"),
        ];
        for (extra, path, hint) in cases {
            let found = problems(&format!("{BASE}{extra}\n"));
            assert_eq!(found.len(), 1, "{extra}: {found:?}");
            assert_eq!(found[0].0, path, "{extra}");
            assert!(found[0].1.contains(hint), "{extra}: {}", found[0].1);
        }
    }

    #[test]
    fn reports_all_type_errors_in_one_run() {
        let source = format!(
            "{BASE}scrape: {{}}\ncomponents:\n  grafana: {{port: 70000}}\n  jaeger: {{storage: memroy}}\nexporters: [{{name: x}}]\n"
        );
        let found = problems(&source);
        let mut paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        paths.sort();
        assert_eq!(
            paths,
            vec![
                "components.grafana.port",
                "components.jaeger.storage",
                "exporters[0].type",
                "scrape"
            ],
            "{found:?}"
        );
        let message = |path: &str| &found.iter().find(|(p, _)| p == path).unwrap().1;
        assert!(
            message("scrape").starts_with("`scrape` must be a list, found a mapping"),
            "{found:?}"
        );
        assert!(message("exporters[0].type").contains("missing the required key `type`"));
    }

    /// A misspelt required key is reported once, as the misspelling (with the key it was
    /// meant to be); the key it shadows is not also reported missing.
    #[test]
    fn a_misspelt_required_key_is_not_also_missing() {
        let found = problems("version: 1\nproject: demo\nexporters:\n  - typ: redis\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "exporters[0].typ", "{found:?}");
        assert!(found[0].1.contains("did you mean `type`?"), "{found:?}");
    }

    #[test]
    fn a_quoted_version_is_read_as_the_number() {
        // The model is the schema: `'1'` where a number is wanted is the number 1.
        assert_eq!(problems("version: '1'\nproject: demo\n"), vec![]);
        let found = problems("version: 'one'\nproject: demo\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "version");
    }

    #[test]
    fn reads_plain_numbers_as_text_where_text_is_expected() {
        let source = format!("{BASE}labels: {{replica: 1}}\nnotify: {{default: a, quiet_hours: {{q: [{{years: [2026], months: [12]}}]}}}}\n");
        assert_eq!(problems(&source), vec![]);
    }

    #[test]
    fn reads_empty_sections_and_components_as_defaults() {
        let source = format!("{BASE}components:\n  prometheus:\n  node_exporter:\nalerts:\nlogs:\nscrape:\nnotify:\n");
        let typed = parse(&source, &no_env);
        assert!(typed.problems.is_empty(), "{:?}", typed.problems);
        let manifest = typed.manifest.unwrap();
        assert!(manifest.components.prometheus.is_some());
        assert!(manifest.components.node_exporter.is_some());
        assert!(manifest.notify.is_none());
        let missing = parse("version: 1\nproject:\n", &no_env);
        assert!(missing.manifest.is_none());
        assert_eq!(missing.problems[0].message, "`project` is empty");
    }

    #[test]
    fn points_keys_and_values_at_their_place() {
        let source = format!(
            "{BASE}components:\n  prometeus: {{}}\nscrape:\n  - job: api\n    targets: ['a:1']\n"
        );
        let typed = parse(&source, &no_env);
        assert_eq!(
            typed.problems[0].location,
            Some(Location { line: 4, column: 3 })
        );
        assert_eq!(
            typed.positions.find("scrape[0].job"),
            Some(Location {
                line: 6,
                column: 10
            })
        );
        assert_eq!(
            typed.positions.find("scrape[0].targets[0]"),
            Some(Location {
                line: 7,
                column: 15
            })
        );
        assert_eq!(
            typed.positions.find("project"),
            Some(Location {
                line: 2,
                column: 10
            })
        );
    }

    #[test]
    fn resolves_references_only_in_secret_keys() {
        let env = |name: &str| (name == "T").then(|| "tok-value".to_string());
        let source = format!("{BASE}scrape: [{{job: a, targets: ['a:1'], bearer_token: \"${{T}}\", labels: {{x: \"${{T}}\", y: \"$${{T}}\"}}}}]\n");
        let typed = parse(&source, &env);
        assert_eq!(typed.problems.len(), 1, "{:?}", typed.problems);
        assert_eq!(typed.problems[0].path, "scrape[0].labels.x");
        assert!(!typed.problems[0].message.contains("tok-value"));
        assert_eq!(typed.secret_values, vec!["tok-value".to_string()]);
        let job = &typed.manifest.unwrap().scrape[0];
        assert_eq!(
            job.bearer_token.as_ref().map(|t| t.expose()),
            Some("tok-value")
        );
        assert_eq!(job.labels["y"], "${T}");
    }

    #[test]
    fn refuses_tags_deep_nesting_and_second_documents_with_a_place() {
        let cases = [
            (
                format!("{BASE}labels: {{a: !!python/object:os.system x}}\n"),
                "tag",
                3,
            ),
            (
                format!("{BASE}labels: {}\n", "[".repeat(80_000)),
                "recursion limit",
                3,
            ),
            (
                format!("{BASE}---\nversion: 1\n"),
                "more than one YAML document",
                3,
            ),
            (format!("{BASE}labels: {{a: }}\n"), "is empty", 3),
        ];
        for (source, words, line) in cases {
            let started = std::time::Instant::now();
            let found = parse(&source, &no_env).problems;
            assert!(
                started.elapsed() < std::time::Duration::from_secs(1),
                "{words}"
            );
            let problem = found.iter().find(|p| p.message.contains(words));
            let problem = problem.unwrap_or_else(|| panic!("{words}: {found:?}"));
            assert_eq!(
                problem.location.map(|l| l.line),
                Some(line),
                "{words}: {found:?}"
            );
        }
    }
}
