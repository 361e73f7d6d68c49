//! How values are written in and read from the trees: JSON through serde, raw
//! big-endian numbers, text keys. A value that does not decode is an error naming its
//! tree and key.

use serde::{Serialize, de::DeserializeOwned};
use sled::{Tree, transaction::TransactionalTree};

use crate::{
    error::{StoreError, TxResult, abort_store},
    model::TreeSpec,
};

/// Writes `value` under `key` in `tree` (described by `spec`), inside a transaction.
pub(crate) fn put<T: Serialize>(
    tree: &TransactionalTree,
    spec: TreeSpec,
    key: &[u8],
    value: &T,
) -> TxResult<()> {
    tree.insert(key, encode(spec, value).map_err(abort_store)?)?;
    Ok(())
}

/// The JSON of `value`, to be stored in `tree`.
pub(crate) fn encode<T: Serialize>(tree: TreeSpec, value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|source| StoreError::Encode { tree: tree.name, source })
}

/// The JSON value stored under `key` in `tree` (`spec`), if any; a value that does not
/// decode is an error naming both.
pub(crate) fn get<T: DeserializeOwned>(
    tree: &Tree,
    spec: TreeSpec,
    key: &[u8],
) -> Result<Option<T>, StoreError> {
    tree.get(key)?.map(|bytes| decode(&bytes, spec, key)).transpose()
}

/// Decodes the JSON value stored under `key` in `tree`; an error names both.
pub(crate) fn decode<T: DeserializeOwned>(
    bytes: &[u8],
    tree: TreeSpec,
    key: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| decode_error(tree, key, source))
}

/// Reads a raw big-endian `u64` stored under `key` in `tree`.
pub(crate) fn u64_from(bytes: &[u8], tree: TreeSpec, key: &[u8]) -> Result<u64, StoreError> {
    let array: [u8; 8] = bytes.try_into().map_err(|_| {
        let why = format!("expected 8 bytes, found {}", bytes.len());
        decode_error(tree, key, serde::de::Error::custom(why))
    })?;
    Ok(u64::from_be_bytes(array))
}

/// A key of a text-keyed tree as a string; a key that is not UTF-8 is a decode error.
pub(crate) fn key_string(tree: TreeSpec, key: &[u8]) -> Result<String, StoreError> {
    match std::str::from_utf8(key) {
        Ok(text) => Ok(text.to_owned()),
        Err(error) => Err(decode_error(tree, key, serde::de::Error::custom(error))),
    }
}

/// A decode error naming the tree and the key, printed as the tree writes its keys.
pub(crate) fn decode_error(tree: TreeSpec, key: &[u8], source: serde_json::Error) -> StoreError {
    StoreError::Decode { tree: tree.name, key: tree.key_text(key), source }
}
