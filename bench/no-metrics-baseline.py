#!/usr/bin/env python3
# Usage: git worktree add ../werken-base HEAD && bench/no-metrics-baseline.py ../werken-base && (cd ../werken-base && bench/run)
# Makes a worktree of Werken without metrics and tracing on the hot path: the bench's baseline for what they cost.
import re, sys
root = sys.argv[1]
def sub(p, a, b):
    p = root + '/' + p
    s = open(p).read()
    if a not in s: raise SystemExit("missing in " + p + ": " + a[:60])
    open(p, 'w').write(s.replace(a, b, 1))
m = 'src/main/java/io/werken/metrics/WerkenMetrics.java'
for sig in ['public void webhook(String workflow, String outcome) {',
            'public void actionPublished(String workflow, String type, String queue) {',
            'public void actionSkipped(String workflow, String type) {',
            'public void eventDeadLettered(String reason) {',
            'public void dispatched(long nanos) {',
            'public void confirmed(long nanos) {']:
    sub(m, sig, sig + '\n        if (true) return;')
sub('src/main/java/io/werken/ingest/TraceContextReader.java', '''        TraceContext trace = TraceContext.continueOrStart(traceparent(exchange.getMessage()));''',
    '''        if (true) return;
        TraceContext trace = TraceContext.continueOrStart(traceparent(exchange.getMessage()));''')
sub('src/main/java/io/werken/ingest/EventPublisher.java', '''        message.getMessageProperties().setHeader(TraceContext.HEADER,
                exchange.getProperty(ExchangeProperties.TRACE, TraceContext.class).traceparent());''', '')
sub('src/main/java/io/werken/dispatch/EventReader.java', '''        TraceContext trace = TraceContext.continueOrStart(exchange.getProperty(ExchangeProperties.TRACEPARENT,
                String.class));
        exchange.setProperty(ExchangeProperties.TRACE, trace);
        LogContext.begin(exchange, trace);
        LogContext.event(exchange.getProperty(ExchangeProperties.MESSAGE_ID, String.class));''', '')
sub('src/main/java/io/werken/dispatch/EventReader.java', '''        LogContext.event(event.eventId());''', '')
sub('src/main/java/io/werken/dispatch/ActionPublisher.java', '''        String traceparent = exchange.getProperty(ExchangeProperties.TRACE, TraceContext.class).traceparent();''', '')
sub('src/main/java/io/werken/dispatch/ActionPublisher.java', '''            message.getMessageProperties().setHeader(TraceContext.HEADER, traceparent);''', '')
sub('src/main/java/io/werken/ingest/ReceivedWebhookFactory.java', '''        LogContext.event(event.eventId());''', '')
sub('src/main/resources/application.properties', 'camel.management.metrics-enabled = true', 'camel.management.metrics-enabled = false')
sub('src/main/resources/application.properties', 'camel.metrics.enabled = true', 'camel.metrics.enabled = false')
print("baseline patched")
