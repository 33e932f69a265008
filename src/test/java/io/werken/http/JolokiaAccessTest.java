package io.werken.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.core.StartupRefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import org.jolokia.server.core.restrictor.RestrictorFactory;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WERKEN_JOLOKIA_ACCESS picks a policy that exists, and the two shipped policies allow what they say. */
class JolokiaAccessTest {

    private static final String ROUTE = "org.apache.camel:context=werken,type=routes,name=\"dispatch-actions\"";

    @TempDir
    Path dir;

    @Test
    void readOnlyIsTheDefaultAndAllowsOnlyReading() throws Exception {
        assertThat(JolokiaAccess.policyLocation("")).isEqualTo(JolokiaAccess.READ_ONLY);
        assertThat(JolokiaAccess.policyLocation("read-only")).isEqualTo("classpath:/jolokia-access.xml");
        Restrictor readOnly = RestrictorFactory.lookupPolicyRestrictor(JolokiaAccess.READ_ONLY);

        for (RequestType allowed :
                new RequestType[] {RequestType.READ, RequestType.LIST, RequestType.SEARCH, RequestType.VERSION}) {
            assertThat(readOnly.isTypeAllowed(allowed)).as(allowed.getName()).isTrue();
        }
        assertThat(readOnly.isTypeAllowed(RequestType.EXEC)).isFalse();
        assertThat(readOnly.isTypeAllowed(RequestType.WRITE)).isFalse();
        assertThat(readOnly.isAttributeReadAllowed(new ObjectName(ROUTE), "State"))
                .isTrue();
    }

    @Test
    void readWriteAllowsOperationsButNotTheJvmsDiagnosticCommands() throws Exception {
        assertThat(JolokiaAccess.policyLocation("read-write")).isEqualTo(JolokiaAccess.READ_WRITE);
        Restrictor readWrite = RestrictorFactory.lookupPolicyRestrictor(JolokiaAccess.READ_WRITE);

        assertThat(readWrite.isTypeAllowed(RequestType.EXEC)).isTrue();
        assertThat(readWrite.isTypeAllowed(RequestType.WRITE)).isTrue();
        assertThat(readWrite.isOperationAllowed(new ObjectName(ROUTE), "stop")).isTrue();
        assertThat(readWrite.isOperationAllowed(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "jvmtiAgentLoad"))
                .isFalse();
        assertThat(readWrite.isOperationAllowed(
                        new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap"))
                .isFalse();
    }

    @Test
    void aPolicyOfTheDeployersOwnIsUsedByPathOrUrl() throws Exception {
        Path policy = Files.writeString(
                dir.resolve("policy.xml"), "<restrict><commands><command>version</command></commands></restrict>");

        assertThat(JolokiaAccess.policyLocation(policy.toString()))
                .isEqualTo(policy.toUri().toString());
        assertThat(JolokiaAccess.policyLocation(policy.toUri().toString()))
                .isEqualTo(policy.toUri().toString());
    }

    @Test
    void aPolicyThatIsNotThereStopsStartupRatherThanAllowingEverything() {
        // Camel's plugin would fall back to allowing every operation.
        assertThatThrownBy(() -> JolokiaAccess.policyLocation("read-wrte"))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageContaining("WERKEN_JOLOKIA_ACCESS");
        assertThatThrownBy(() -> JolokiaAccess.policyLocation("classpath:/no-such-policy.xml"))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageContaining("no Jolokia policy at classpath:/no-such-policy.xml");
    }
}
