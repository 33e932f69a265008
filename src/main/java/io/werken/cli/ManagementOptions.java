package io.werken.cli;

import picocli.CommandLine.Option;

/** Where the running Werken's management API is, for the commands that call it. */
final class ManagementOptions {

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "The management API (default: http://127.0.0.1:"
                    + "<WERKEN_MANAGEMENT_PORT, 9876>). The token is WERKEN_ADMIN_TOKEN, if the server has one.")
    String url;

    ManagementClient client(CliSettings settings) {
        return new ManagementClient(url != null ? url : settings.managementUrl(), settings.adminToken());
    }
}
