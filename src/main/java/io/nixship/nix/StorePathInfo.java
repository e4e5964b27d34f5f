package io.nixship.nix;

import java.util.List;

/**
 * One path of a runtime closure: its NAR size and the store paths it references (itself excluded).
 */
public record StorePathInfo(String path, long narSize, List<String> references) {
    public StorePathInfo {
        references = List.copyOf(references);
    }

    /**
     * The part after the hash, e.g. {@code python3-3.11.2} for {@code
     * /nix/store/abc...-python3-3.11.2}.
     */
    public String name() {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int dash = base.indexOf('-');
        return dash < 0 ? base : base.substring(dash + 1);
    }
}
