//! The rush path for applications: submissions to one campaign that arrive while another
//! batch is being written are taken together in one transaction, with one lock, one commit
//! and one statement per table. Correctness does not rest on this process: every batch takes
//! the campaign's lock and meets the same unique indexes as a single submission, and whatever
//! a batch cannot settle falls back to the single path (`applications::submit`).

use super::applications::{self, Prepared};
use super::idempotency::{self, Created, IdempotencyKey};
use super::outbox::Notifier;
use super::Store;
use super::{ServiceError, ServiceResult};
use crate::db::campaigns::CampaignRow;
use crate::db::{self, campaigns, DbConn};
use crate::domain::application::ApplicationInput;
use crate::domain::conflict::Conflict;
use crate::domain::ids::CampaignId;
use chrono::NaiveDateTime;
use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;

/// Enough to keep every statement's parameters well under both backends' limits.
const MAX_BATCH: usize = 200;

pub struct Job {
    pub input: ApplicationInput,
    pub key: Option<IdempotencyKey>,
}

enum Signal {
    Done(ServiceResult<Created>),
    /// The previous batch is written and jobs are waiting: this thread writes the next one.
    Lead,
}

struct Queued {
    job: Job,
    reply: Sender<Signal>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Queued>,
    leader: bool,
}

#[derive(Default)]
pub struct Intake {
    queues: Mutex<HashMap<CampaignId, Queue>>,
}

impl Intake {
    /// Submits one application and waits for its answer. Blocks: call it off the async runtime.
    pub fn submit(
        &self,
        store: &Store,
        notifier: &Notifier,
        campaign_id: &CampaignId,
        job: Job,
    ) -> ServiceResult<Created> {
        let (reply, answer) = channel();
        let lead = {
            let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
            let queue = queues.entry(campaign_id.clone()).or_default();
            queue.waiting.push(Queued { job, reply });
            !std::mem::replace(&mut queue.leader, true)
        };
        if lead {
            self.lead(store, notifier, campaign_id);
        }
        loop {
            match answer.recv() {
                Ok(Signal::Done(result)) => return result,
                Ok(Signal::Lead) => self.lead(store, notifier, campaign_id),
                Err(_) => {
                    return Err(ServiceError::Unavailable(
                        "the submission was dropped; send it again".into(),
                    ))
                }
            }
        }
    }

    /// Writes one batch of what is waiting, then hands the lead to the first job that arrived
    /// meanwhile, so no thread keeps writing for others while its own client waits.
    fn lead(&self, store: &Store, notifier: &Notifier, campaign_id: &CampaignId) {
        let batch: Vec<Queued> = {
            let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
            let queue = queues.entry(campaign_id.clone()).or_default();
            let take = queue.waiting.len().min(MAX_BATCH);
            queue.waiting.drain(..take).collect()
        };
        // Hands the lead on even if writing this batch panics, or the campaign's queue would
        // wait for a leader forever.
        let _handoff = Handoff {
            intake: self,
            campaign_id,
        };
        let (jobs, replies): (Vec<Job>, Vec<Sender<Signal>>) =
            batch.into_iter().map(|q| (q.job, q.reply)).unzip();
        let results = match store.read(|conn| Ok(run(conn, notifier, campaign_id, &jobs))) {
            Ok(results) => results,
            Err(e) => jobs
                .iter()
                .map(|_| Err(ServiceError::Unavailable(e.to_string())))
                .collect(),
        };
        store.note_write();
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(Signal::Done(result));
        }
    }
}

struct Handoff<'a> {
    intake: &'a Intake,
    campaign_id: &'a CampaignId,
}

impl Drop for Handoff<'_> {
    fn drop(&mut self) {
        let mut queues = self.intake.queues.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(queue) = queues.get_mut(self.campaign_id) {
            match queue.waiting.first() {
                Some(next) => {
                    let _ = next.reply.send(Signal::Lead);
                }
                None => {
                    queues.remove(self.campaign_id);
                }
            }
        }
    }
}

/// Answers every job: in one transaction when there are several, else (and whenever that
/// transaction fails) one by one on the single path.
pub fn run(
    conn: &mut DbConn,
    notifier: &Notifier,
    campaign_id: &CampaignId,
    jobs: &[Job],
) -> Vec<ServiceResult<Created>> {
    if jobs.len() > 1 {
        let now = crate::clock::now();
        match db::write_transaction(conn, |conn| batch(conn, notifier, now, campaign_id, jobs)) {
            Ok(results) => return results,
            Err(e) => {
                tracing::warn!(error = %crate::telemetry::error_chain(&e), jobs = jobs.len(), "batch fell back to single submissions")
            }
        }
    }
    jobs.iter()
        .map(|job| {
            let now = crate::clock::now();
            idempotency::run(conn, job.key.as_ref(), now, |conn| {
                applications::submit(conn, notifier, now, campaign_id, &job.input)
            })
        })
        .collect()
}

/// Checks every job that needs no lock, in arrival order: a replayed key is answered from
/// its stored response, a refused job gets its error, and the rest are returned ready for the
/// slots. An `Err` sends the whole batch to the single path.
fn prepare_all(
    conn: &mut DbConn,
    now: NaiveDateTime,
    campaign: &CampaignRow,
    jobs: &[Job],
    results: &mut [Option<ServiceResult<Created>>],
) -> ServiceResult<Vec<(usize, Prepared)>> {
    let mut keys_seen = HashSet::new();
    let mut checked = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        if let Some(k) = &job.key {
            // A twin with the same key waits for the single path, which replays this batch's answer.
            if !keys_seen.insert((k.scope.clone(), k.key_hash.clone())) {
                return Err(ServiceError::StateConflict(Conflict::TwinKeys));
            }
            match idempotency::replay(conn, Some(k)) {
                Ok(Some(stored)) => {
                    results[i] = Some(Ok(stored));
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    results[i] = Some(Err(e));
                    continue;
                }
            }
        }
        match applications::checked(now, campaign, &job.input) {
            Ok(c) => checked.push((i, c)),
            Err(e) => results[i] = Some(Err(e)),
        }
    }
    // One read of what the database knows of every office in the batch, not one per job.
    let all: Vec<String> = checked
        .iter()
        .flat_map(|(_, (_, offices))| offices.iter().cloned())
        .collect();
    let known = applications::known(conn, campaign, &all)?;
    let mut offices_claimed: HashSet<String> = HashSet::new();
    let mut ready = Vec::new();
    for (i, (app, offices)) in checked {
        match applications::ready(app, offices, &known) {
            Ok(p) if p.office_numbers.iter().any(|o| offices_claimed.contains(o)) => {
                results[i] = Some(Err(ServiceError::AlreadyTakingPart(
                    p.office_numbers
                        .iter()
                        .filter(|o| offices_claimed.contains(*o))
                        .cloned()
                        .collect(),
                )));
            }
            Ok(p) => {
                offices_claimed.extend(p.office_numbers.iter().cloned());
                ready.push((i, p));
            }
            Err(e) => results[i] = Some(Err(e)),
        }
    }
    Ok(ready)
}

/// One transaction for many submissions, in arrival order. A job refused on its own merits
/// gets its error without stopping the others; an `Err` means nothing was written.
fn batch(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    jobs: &[Job],
) -> ServiceResult<Vec<ServiceResult<Created>>> {
    let Some(campaign) = campaigns::find(conn, campaign_id)? else {
        return Ok(jobs
            .iter()
            .map(|_| Err(ServiceError::NotFound("campaign")))
            .collect());
    };
    let mut results: Vec<Option<ServiceResult<Created>>> = jobs.iter().map(|_| None).collect();
    let ready = prepare_all(conn, now, &campaign, jobs, &mut results)?;
    if !ready.is_empty() {
        let (indices, prepared): (Vec<usize>, Vec<Prepared>) = ready.into_iter().unzip();
        let made = applications::allocate(conn, notifier, campaign_id, &prepared)?;
        let mut stored = Vec::new();
        for (i, (row, offices)) in indices.into_iter().zip(made) {
            let created = applications::created(row, offices);
            if let Some(k) = &jobs[i].key {
                stored.push(k.stored(&created, now));
            }
            results[i] = Some(Ok(created));
        }
        crate::db::idempotency::insert(conn, &stored)?;
    }
    Ok(results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(ServiceError::Unavailable(
                    "the batch left a job unanswered".into(),
                ))
            })
        })
        .collect())
}
