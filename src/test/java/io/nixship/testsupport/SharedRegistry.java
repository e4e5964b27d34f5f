package io.nixship.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real {@link RegistryServer} for all the tests of a class, started before the first and
 * stopped after the last: {@code @RegisterExtension static SharedRegistry registry = new
 * SharedRegistry();}.
 */
public final class SharedRegistry implements BeforeAllCallback, AfterAllCallback {
    private RegistryServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RegistryServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    public RegistryServer server() {
        return server;
    }
}
