package io.jstate.common.target;

import java.util.regex.Pattern;

/** What a role name may be, checked wherever roles are set: on a key, and in master.yaml's {@code roles:}. */
public final class RoleNames {
    public static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    public static final String RULE = "a role is letters, digits, '.', '-' and '_', starting with a letter or digit";

    private RoleNames() {}
}
