/**
 * The management port's workflow endpoints (never on the webhook port): the workflows as loaded
 * ({@code GET /workflows}, {@code GET /workflows/{workflow_id}}) and the dry run
 * ({@code POST /workflows/{workflow_id}/dry-run}), which shows what dispatch would publish for a body without
 * publishing anything or taking a dedupe key.
 */
package io.werken.manage;
