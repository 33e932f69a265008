/**
 * The management port's endpoints (never on the webhook port; who may call them is {@code http.ManagementAccessGuard}'s
 * business): the workflows as loaded ({@code GET /workflows}, {@code GET /workflows/{workflow_id}}), the dry run
 * ({@code POST /workflows/{workflow_id}/dry-run}), which shows what dispatch would publish for a body without
 * publishing anything or taking a dedupe key, and the dead letters ({@code GET /dead-letters},
 * {@code POST /dead-letters/requeue?max=N}) on {@code ops.DeadLetterQueue}; the journal's (events, replays, impact,
 * revisions); and what the console reads besides: statistics ({@code GET /stats}), queues ({@code GET /queues}),
 * recent refusals ({@code GET /refusals}), and a draft's check and dry run
 * ({@code POST /workflows/{workflow_id}/check}, {@code POST /workflows/{workflow_id}/draft/dry-run}).
 */
package io.werken.manage;
