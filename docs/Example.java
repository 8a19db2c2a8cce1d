// A whole program on the smmap4j library, in one source file (JDK 25 runs it without compiling first):
//
//   mvn -B -ntp -DskipTests package
//   java --class-path pack-reader/target/pack-reader-0.1.0-SNAPSHOT.jar:smmap-core/target/smmap-core-0.1.0-SNAPSHOT.jar \
//       docs/Example.java /path/to/repo
//
// It prints HEAD as `echo HEAD | git cat-file --batch-check` does, the commit as `git cat-file -p HEAD`
// does, then how many objects of each type the repository holds. The build runs it on a test
// repository and compares with git (DocsExampleIT), so it stays correct.
import io.github.smmap4j.pack.ObjectDatabase;
import io.github.smmap4j.pack.ObjectLoader;
import io.github.smmap4j.pack.ObjectReader;
import io.github.smmap4j.pack.ObjectType;
import io.github.smmap4j.pack.Revision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

void main(String[] args) throws Exception {
    try (ObjectDatabase db = ObjectDatabase.open(Path.of(args[0]));  // a work tree, its .git, a bare repository or objects/
         ObjectReader reader = db.newReader()) {                     // single-thread reads; one per thread
        Revision.Result head = new Revision(db).resolve("HEAD");      // refs, abbreviations, ^{}, ~N, :path
        if (head.status() != Revision.Status.FOUND) {
            System.err.println("HEAD: " + head.status());
            System.exit(1);
        }
        ObjectLoader commit = reader.open(head.id());
        System.out.println(head.id().name() + " " + commit.type() + " " + commit.size());
        System.out.print(new String(commit.bytes(), StandardCharsets.UTF_8));

        Map<ObjectType, Integer> count = new EnumMap<>(ObjectType.class);
        db.forEachObject(where -> count.merge(reader.info(where).type(), 1, Integer::sum));  // every object once
        count.forEach((type, n) -> System.out.println(type + " " + n));
    }
}
