//! What can go wrong: [`StoreError`] (the store itself) and [`TransitionError`] (a
//! state transition that did not happen), and how sled's transaction errors map to them.

use sled::transaction::{ConflictableTransactionError, TransactionError};

use crate::model::{State, Step};

/// A failure of the store itself.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed (I/O, corruption).
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
    /// A stored value could not be decoded.
    #[error("cannot decode {tree}/{key}: {source}")]
    Decode {
        /// The tree.
        tree: &'static str,
        /// The key, as its tree writes it: the number for `requests` and `log`, the text
        /// for the others.
        key: String,
        /// Why.
        source: serde_json::Error,
    },
    /// A value could not be encoded (should not happen with our types).
    #[error("cannot encode a value for {tree}: {source}")]
    Encode {
        /// The tree.
        tree: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// A copy of the store ([`Store::compact_into`](crate::Store::compact_into)) was
    /// aimed at a database that holds data already.
    #[error("{0} already holds a database with data")]
    NotEmpty(String),
    /// A copy's id counter could not be raised past the store's.
    #[error("the copy's id counter gave {given}, below the store's {floor}")]
    Counter {
        /// The id the copy gave.
        given: u64,
        /// The lowest it should have given.
        floor: u64,
    },
    /// The store was written by a newer version of entraide.
    #[error("store schema version {found} is newer than the {supported} this entraide knows")]
    SchemaTooNew {
        /// The version on disk.
        found: u64,
        /// The version this code knows.
        supported: u64,
    },
}

/// Why a state transition did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// No request has this number.
    #[error("no request #{0}")]
    NoSuchRequest(u64),
    /// The request is not open (someone else got there first, or it is closed).
    #[error("request #{number} is not open")]
    NotOpen {
        /// The request.
        number: u64,
        /// Its current state.
        state: State,
    },
    /// The request is not claimed.
    #[error("request #{number} is not claimed")]
    NotClaimed {
        /// The request.
        number: u64,
        /// Its current state.
        state: State,
    },
    /// The request is claimed by someone else.
    #[error("request #{0} is held by someone else")]
    NotHolder(u64),
    /// Only the requester or a coordinator may cancel.
    #[error("request #{0} was made by someone else")]
    NotRequester(u64),
    /// The event that asked for this was already handled.
    #[error("event already handled")]
    AlreadyHandled,
    /// The request is no occurrence of a series that goes on (a one-off request, a
    /// series already stopped, or an occurrence whose next one is already made).
    #[error("request #{0} does not repeat (any more)")]
    NotRepeating(u64),
    /// A follow-up step does not apply (any more) to this request.
    #[error("request #{number}: {step:?} does not apply")]
    StepNotDue {
        /// The request.
        number: u64,
        /// The step.
        step: Step,
    },
    /// No register entry has this number.
    #[error("no register entry #{0}")]
    NoSuchEntry(u64),
    /// The register entry is not in the state the change needs (confirming an entry
    /// already active).
    #[error("register entry #{0} does not need this")]
    EntryUnchanged(u64),
    /// The person is not a caller of the register.
    #[error("not a caller")]
    NotCaller,
    /// A campaign runs already.
    #[error("campaign #{0} is running")]
    CampaignRunning(u64),
    /// The campaign is over.
    #[error("campaign #{0} is over")]
    CampaignOver(u64),
    /// No campaign has this number.
    #[error("no campaign #{0}")]
    NoSuchCampaign(u64),
    /// The register entry is on no list of the campaign.
    #[error("register entry #{0} is on no list")]
    NotOnList(u64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a closure run inside a sled transaction returns: its value, or why the
/// transaction stops (a [`TransitionError`] aborts it, a conflict retries it).
pub(crate) type TxResult<T> = Result<T, ConflictableTransactionError<TransitionError>>;

/// Aborts a transaction with `error`: nothing it wrote is kept.
pub(crate) fn abort<T>(error: TransitionError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(error))
}

/// Aborts a transaction on a failure of the store (a value that does not decode).
pub(crate) fn abort_store(error: StoreError) -> ConflictableTransactionError<TransitionError> {
    ConflictableTransactionError::Abort(TransitionError::Store(error))
}

/// Why a transaction did not happen: what aborted it, or sled's failure.
pub(crate) fn transition_error(error: TransactionError<TransitionError>) -> TransitionError {
    match error {
        TransactionError::Abort(error) => error,
        TransactionError::Storage(error) => TransitionError::Store(StoreError::Sled(error)),
    }
}

/// Why a transaction that only fails with the store did not happen (the people's records,
/// an erasure): what aborted it is a [`StoreError`], and nothing else aborts it. Were a
/// transition's refusal ever to get there, it is reported as a bug of the store.
pub(crate) fn store_error(error: TransactionError<TransitionError>) -> StoreError {
    match transition_error(error) {
        TransitionError::Store(error) => error,
        other => StoreError::Sled(sled::Error::ReportableBug(other.to_string())),
    }
}
