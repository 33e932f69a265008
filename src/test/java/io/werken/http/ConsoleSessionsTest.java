package io.werken.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The console's session store: random ids, a CSRF token each, idle expiry, a bound, sign-out. */
class ConsoleSessionsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ConsoleSessions sessions = new ConsoleSessions(3, Duration.ofHours(12), now::get, new SecureRandom());

    @Test
    void aSessionIsFoundByItsIdAndCarriesItsOwnCsrfToken() {
        ConsoleSessions.Session session = sessions.create();

        assertThat(session.id()).matches("[A-Za-z0-9_-]{43}");
        assertThat(session.csrfToken()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(session.id());
        ConsoleSessions.Session found = sessions.find(session.id());
        assertThat(found).isNotNull();
        assertThat(found.csrfToken()).isEqualTo(session.csrfToken());
        assertThat(found.csrfMatches(session.csrfToken())).isTrue();
        assertThat(found.csrfMatches(session.csrfToken() + "x")).isFalse();
        assertThat(found.csrfMatches(session.csrfToken().substring(1))).isFalse();
        assertThat(found.csrfMatches(session.id())).isFalse();
        assertThat(found.csrfMatches("")).isFalse();
        assertThat(found.csrfMatches(null)).isFalse();
        assertThat(session.toString()).doesNotContain(session.id(), session.csrfToken());
    }

    @Test
    void idsAndTokensAreRandomAndUnknownOrMalformedIdsFindNothing() {
        ConsoleSessions many = new ConsoleSessions();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            ConsoleSessions.Session session = many.create();
            assertThat(seen.add(session.id())).isTrue();
            assertThat(seen.add(session.csrfToken())).isTrue();
        }
        assertThat(many.size()).isEqualTo(200);
        ConsoleSessions.Session session = sessions.create();
        assertThat(sessions.find(null)).isNull();
        assertThat(sessions.find("")).isNull();
        assertThat(sessions.find(session.csrfToken()))
                .as("the CSRF token is not a session id")
                .isNull();
        assertThat(sessions.find(session.id() + "A")).isNull();
        assertThat(sessions.find(session.id().substring(0, 42) + "!")).isNull();
    }

    @Test
    void aSessionUnusedFor12HoursIsGoneAndUseKeepsItAlive() {
        ConsoleSessions.Session used = sessions.create();
        ConsoleSessions.Session idle = sessions.create();

        now.addAndGet(Duration.ofHours(11).toMillis());
        assertThat(sessions.find(used.id())).isNotNull();
        now.addAndGet(Duration.ofHours(1).toMillis());
        assertThat(sessions.find(idle.id())).as("12 h unused").isNull();
        assertThat(sessions.find(used.id())).as("used an hour ago").isNotNull();
        now.addAndGet(Duration.ofHours(12).toMillis() - 1);
        assertThat(sessions.find(used.id())).isNotNull();
        now.addAndGet(Duration.ofHours(12).toMillis());
        assertThat(sessions.find(used.id())).isNull();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void aFullStoreDropsExpiredSessionsThenTheLeastRecentlyUsed() {
        ConsoleSessions.Session first = sessions.create();
        ConsoleSessions.Session second = sessions.create();
        ConsoleSessions.Session third = sessions.create();
        assertThat(sessions.find(first.id())).isNotNull();

        ConsoleSessions.Session fourth = sessions.create();

        assertThat(sessions.size()).isEqualTo(3);
        assertThat(sessions.find(second.id())).as("least recently used").isNull();
        assertThat(sessions.find(first.id())).isNotNull();
        assertThat(sessions.find(third.id())).isNotNull();
        assertThat(sessions.find(fourth.id())).isNotNull();

        now.addAndGet(Duration.ofHours(13).toMillis());
        sessions.create();
        assertThat(sessions.size()).as("the expired ones went first").isEqualTo(1);
    }

    @Test
    void signingOutEndsTheSession() {
        ConsoleSessions.Session session = sessions.create();
        ConsoleSessions.Session other = sessions.create();

        sessions.remove(session.id());
        sessions.remove(null);
        sessions.remove("not a session id");

        assertThat(sessions.find(session.id())).isNull();
        assertThat(sessions.find(other.id())).isNotNull();
    }
}
