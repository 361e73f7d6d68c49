//! The `by_requester` index: the numbers of each person's requests, so that
//! [`Store::requests_of`] (every `!demande`) reads their requests and no others.
//!
//! A key is the requester's id, a NUL byte, and the request number as a big-endian `u64`;
//! the value is empty. Matrix ids and pseudonyms hold no NUL, so the prefix of one id is
//! never the start of another's, and a person's keys are in number order. The index is
//! written in the transaction that writes the request: each transaction that creates a
//! request or changes its requester (an offer taken up, an erasure, retention) moves its
//! key with it, so that the index names nobody the `requests` tree does not name.

use sled::{Batch, Transactional, transaction::TransactionalTree};

use crate::{
    Store,
    codec::{decode, decode_error, put},
    error::{StoreError, TxResult, store_error},
    model::{BY_REQUESTER, REQUESTS, Request},
};

/// What separates the requester from the number in a key.
const SEPARATOR: u8 = 0;

/// The keys of `requester`'s requests all start with this.
fn prefix(requester: &str) -> Vec<u8> {
    let mut prefix = Vec::with_capacity(requester.len() + 9);
    prefix.extend_from_slice(requester.as_bytes());
    prefix.push(SEPARATOR);
    prefix
}

/// The key of request `number` made by `requester`.
fn key(requester: &str, number: u64) -> Vec<u8> {
    let mut key = prefix(requester);
    key.extend_from_slice(&number.to_be_bytes());
    key
}

/// Records, inside a transaction, that request `number` is `requester`'s.
pub(crate) fn index(tree: &TransactionalTree, requester: &str, number: u64) -> TxResult<()> {
    tree.insert(key(requester, number), &[])?;
    Ok(())
}

/// Moves request `number` from `from`'s requests to `to`'s, inside a transaction.
pub(crate) fn reindex(tree: &TransactionalTree, from: &str, to: &str, number: u64) -> TxResult<()> {
    if from != to {
        tree.remove(key(from, number))?;
        index(tree, to, number)?;
    }
    Ok(())
}

impl Store {
    /// The numbers of the requests `requester` made, in number order, from the index.
    pub(crate) fn indexed_numbers(&self, requester: &str) -> Result<Vec<u64>, StoreError> {
        let prefix = prefix(requester);
        self.by_requester
            .scan_prefix(&prefix)
            .map(|item| {
                let (key, _) = item?;
                let number =
                    key.get(prefix.len()..).and_then(|rest| <[u8; 8]>::try_from(rest).ok());
                match number {
                    Some(bytes) => Ok(u64::from_be_bytes(bytes)),
                    None => {
                        let why = "no 8-byte number after the requester";
                        Err(decode_error(BY_REQUESTER, &key, serde::de::Error::custom(why)))
                    }
                }
            })
            .collect()
    }

    /// Writes `request` back, moving its index key from `was` (its requester before) to
    /// its requester now, in one transaction.
    pub(crate) fn rewrite_request(&self, request: &Request, was: &str) -> Result<(), StoreError> {
        let result =
            (&self.requests, &self.by_requester).transaction(|(requests, by_requester)| {
                put(requests, REQUESTS, &request.number.to_be_bytes(), request)?;
                reindex(by_requester, was, &request.requester, request.number)
            });
        result.map_err(store_error)
    }

    /// Builds the index anew from the `requests` tree (the migration to schema version 4).
    /// Not atomic, and need not be: until the schema version is written after it, the
    /// next opening builds it again.
    pub(crate) fn build_requester_index(&self) -> Result<(), StoreError> {
        let mut batch = Batch::default();
        for item in self.requests.iter() {
            let (stored, bytes) = item?;
            let request: Request = decode(&bytes, REQUESTS, &stored)?;
            batch.insert(key(&request.requester, request.number), &[]);
        }
        self.by_requester.clear()?;
        self.by_requester.apply_batch(batch)?;
        Ok(())
    }
}
