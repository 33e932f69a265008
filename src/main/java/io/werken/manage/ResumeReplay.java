package io.werken.manage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.journal.Journal;
import io.werken.journal.ReplayJob;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /replays/{replay_id}/resume}: goes on with an interrupted (Werken stopped while it ran) or failed bulk
 * replay right after the last event it looked at (202); any other state is a 409.
 */
public final class ResumeReplay implements Processor {

    private final Journal journal;
    private final ObjectMapper json;

    public ResumeReplay(Journal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        ManagementRequests.query(in, Set.of());
        String id = in.getHeader(ShowReplay.REPLAY_ID, String.class);
        ReplayJob job =
                JournalRequests.call(() -> ShowReplay.found(journal.replays().resume(id), id));
        JournalRequests.answer(in, json, job, 202);
    }
}
