//! What an operator reads: the database's side of the metrics.

use super::ServiceResult;
use crate::db::{applications, audit, campaigns, outbox, DbConn};
use crate::metrics::Snapshot;

pub fn snapshot(conn: &mut DbConn) -> ServiceResult<Snapshot> {
    let (all, _) = campaigns::list(conn, 0, i64::from(i32::MAX))?;
    let used: std::collections::HashMap<_, _> = applications::slot_use(conn)?
        .into_iter()
        .map(|(c, held, waiting)| (c, (held, waiting)))
        .collect();
    Ok(Snapshot {
        campaigns: all
            .into_iter()
            .map(|c| {
                let (held, waiting) = used.get(&c.id).copied().unwrap_or((0, 0));
                (c.code, held, i64::from(c.total_slots), waiting)
            })
            .collect(),
        outbox: outbox::depth(conn)?
            .into_iter()
            .map(|(s, n)| (s.as_str().to_owned(), n))
            .collect(),
        audit_head: {
            let head = audit::head(conn)?;
            (head.seq, head.hash)
        },
    })
}
