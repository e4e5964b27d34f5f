package io.nixship.forge;

import java.io.File;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test empty user, system and JGit configs, so the developer's ~/.gitconfig (signing,
 * url rewrites) cannot change what a test sees. JGit's SystemReader is process-wide, so the
 * previous one is put back after every test.
 */
final class IsolatedGitConfig implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(IsolatedGitConfig.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        SystemReader previous = SystemReader.getInstance();
        context.getStore(NAMESPACE).put("previous", previous);
        SystemReader.setInstance(
                new SystemReader.Delegate(previous) {
                    @Override
                    public FileBasedConfig openUserConfig(Config parent, FS fs) {
                        return empty(parent, fs);
                    }

                    @Override
                    public FileBasedConfig openSystemConfig(Config parent, FS fs) {
                        return empty(parent, fs);
                    }

                    @Override
                    public FileBasedConfig openJGitConfig(Config parent, FS fs) {
                        return empty(parent, fs);
                    }
                });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SystemReader.setInstance(context.getStore(NAMESPACE).get("previous", SystemReader.class));
    }

    private static FileBasedConfig empty(Config parent, FS fs) {
        return new FileBasedConfig(parent, new File("/nonexistent/nixship-test-gitconfig"), fs) {
            @Override
            public void load() {
                clear();
            }

            @Override
            public boolean isOutdated() {
                return false;
            }
        };
    }
}
