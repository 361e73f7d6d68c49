//! What an operator's tools do with a running bot, for the scenarios that check them:
//! ask its health listener over HTTP, and read its metrics with a real Prometheus text
//! parser (the `prometheus_client` Python package, which comes with Synapse).

use std::{collections::BTreeMap, net::SocketAddr};

use anyhow::{Context as _, Result, bail};
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

use crate::synapse::synapse_python;

/// A port free on the loopback interface now.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// An address on the loopback interface, free now.
pub fn free_address() -> Result<SocketAddr> {
    Ok(SocketAddr::from(([127, 0, 0, 1], free_port()?)))
}

/// `GET http://{address}{path}`: the status, the content type and the body; `None` when
/// nothing answers.
pub async fn get(address: SocketAddr, path: &str) -> Result<Option<(u16, String, String)>> {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build()?;
    let answer = match client.get(format!("http://{address}{path}")).send().await {
        Ok(answer) => answer,
        Err(error) if error.is_connect() => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let status = answer.status().as_u16();
    let kind = answer
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok(Some((status, kind, answer.text().await?)))
}

/// One sample of a metric: its name (with `_total`, `_bucket`… as written), its labels
/// and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The sample's name.
    pub name: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// Its value.
    pub value: f64,
}

/// The parser, run by the venv's Python: reads the text on stdin, prints the samples as
/// JSON; fails (exit status, traceback) on anything OpenMetrics does not allow.
const PARSER: &str = r#"
import json, math, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        value = None if math.isnan(s.value) else s.value
        samples.append({"family": family.name, "type": family.type, "name": s.name,
                        "labels": s.labels, "value": value})
print(json.dumps(samples))
"#;

/// Parses `text` with `prometheus_client`'s OpenMetrics parser; every sample.
pub async fn parse_openmetrics(text: &str) -> Result<Vec<Sample>> {
    let python = synapse_python().await?;
    let mut child = tokio::process::Command::new(python)
        .arg("-c")
        .arg(PARSER)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("running the OpenMetrics parser")?;
    let mut stdin = child.stdin.take().context("the parser's stdin")?;
    stdin.write_all(text.as_bytes()).await?;
    drop(stdin);
    let output = child.wait_with_output().await?;
    if !output.status.success() {
        bail!(
            "the OpenMetrics parser refuses the metrics: {}\n{text}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let parsed: Vec<Value> = serde_json::from_slice(&output.stdout)?;
    Ok(parsed
        .into_iter()
        .map(|sample| Sample {
            name: sample["name"].as_str().unwrap_or_default().to_owned(),
            labels: sample["labels"]
                .as_object()
                .map(|labels| {
                    labels
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            value: sample["value"].as_f64().unwrap_or(f64::NAN),
        })
        .collect())
}

/// The value of the sample `name` whose labels include `labels`, if there is one.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|sample| {
            sample.name == name
                && labels.iter().all(|(k, v)| sample.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|sample| sample.value)
}
