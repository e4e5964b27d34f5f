package io.nixship.nix;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Orders version strings the way Nix's {@code builtins.compareVersions} does, which is how nixpkgs
 * compares {@code lib/minver.nix} with {@code builtins.nixVersion}: components split at {@code .}
 * and {@code -} and between digits and letters; numbers compare as numbers, {@code pre} sorts
 * before anything, a number after a string, a missing component before a number.
 */
final class NixVersions {
    private NixVersions() {}

    /**
     * Negative, zero or positive as {@code a} is older than, the same as or newer than {@code b}.
     */
    static int compare(String a, String b) {
        List<String> left = components(a);
        List<String> right = components(b);
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            String x = i < left.size() ? left.get(i) : "";
            String y = i < right.size() ? right.get(i) : "";
            if (lessThan(x, y)) {
                return -1;
            }
            if (lessThan(y, x)) {
                return 1;
            }
        }
        return 0;
    }

    private static boolean lessThan(String x, String y) {
        boolean xNumber = isNumber(x);
        boolean yNumber = isNumber(y);
        if (xNumber && yNumber) {
            return new BigInteger(x).compareTo(new BigInteger(y)) < 0;
        }
        if (x.isEmpty() && yNumber) {
            return true;
        }
        if (x.equals("pre") && !y.equals("pre")) {
            return true;
        }
        if (y.equals("pre")) {
            return false;
        }
        if (xNumber) {
            return false;
        }
        if (yNumber) {
            return true;
        }
        return x.compareTo(y) < 0;
    }

    private static boolean isNumber(String component) {
        return !component.isEmpty() && component.chars().allMatch(Character::isDigit);
    }

    private static List<String> components(String version) {
        List<String> components = new ArrayList<>();
        int i = 0;
        while (i < version.length()) {
            char c = version.charAt(i);
            if (c == '.' || c == '-') {
                i++;
                continue;
            }
            int start = i;
            boolean digits = Character.isDigit(c);
            while (i < version.length()
                    && version.charAt(i) != '.'
                    && version.charAt(i) != '-'
                    && Character.isDigit(version.charAt(i)) == digits) {
                i++;
            }
            components.add(version.substring(start, i));
        }
        return components;
    }
}
