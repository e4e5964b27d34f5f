package io.nixship.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Commits trees that {@code git add} can never make, as an attacker pushes them with raw objects:
 * the same name twice, or a symlink and a directory under one name.
 */
public final class CraftedTrees {
    /** A root-tree entry: a blob, a symlink, or a one-file directory {@code name/child}. */
    public record Entry(String name, FileMode mode, String content, String child) {
        public static Entry file(String name, String content) {
            return new Entry(name, FileMode.REGULAR_FILE, content, null);
        }

        public static Entry symlink(String name, String target) {
            return new Entry(name, FileMode.SYMLINK, target, null);
        }

        public static Entry directory(String name, String child, String content) {
            return new Entry(name, FileMode.TREE, content, child);
        }
    }

    private CraftedTrees() {}

    /**
     * A commit on {@code branch} whose root tree is {@code parent}'s, with {@code extra} entries
     * appended in the given order; the branch is moved to it.
     */
    public static String commit(
            Repository repository, String branch, String parent, List<Entry> extra)
            throws IOException {
        try (ObjectInserter inserter = repository.newObjectInserter();
                RevWalk walk = new RevWalk(repository)) {
            RevCommit base = walk.parseCommit(repository.resolve(parent));
            TreeFormatter root = new TreeFormatter();
            try (TreeWalk tree = new TreeWalk(repository)) {
                tree.addTree(base.getTree());
                while (tree.next()) {
                    root.append(tree.getNameString(), tree.getFileMode(0), tree.getObjectId(0));
                }
            }
            for (Entry entry : extra) {
                ObjectId blob =
                        inserter.insert(
                                Constants.OBJ_BLOB,
                                entry.content().getBytes(StandardCharsets.UTF_8));
                if (entry.mode() == FileMode.TREE) {
                    TreeFormatter child = new TreeFormatter();
                    child.append(entry.child(), FileMode.REGULAR_FILE, blob);
                    root.append(entry.name(), FileMode.TREE, inserter.insert(child));
                } else {
                    root.append(entry.name(), entry.mode(), blob);
                }
            }
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(inserter.insert(root));
            commit.setParentId(base);
            PersonIdent who = new PersonIdent("mallory", "mallory@example.com");
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage("crafted tree\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repository.updateRef(Constants.R_HEADS + branch);
            update.setNewObjectId(id);
            update.setForceUpdate(true);
            update.update();
            return id.name();
        }
    }
}
