package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where every object of a database is at one moment, for a listing of all of them that git may
 * be repacking underneath: a scan of the packs that saw the pack directories hold still, then the
 * loose objects, then a check that the pack directories still hold what that scan listed. An
 * object only leaves a pack by going into another pack or loose (git writes before it deletes),
 * and leaves the loose objects only for a pack, so with the pack directories unchanged meanwhile
 * every object there was at the scan (and still is) is in the loose list or in the scan's packs.
 * When they changed, all of it is taken again, at most {@link PackDirectory#MAX_SCANS} times.
 *
 * @param loose the loose object ids, as {@link LooseObjects#forEach} meets them
 * @param packs the packs of the scan, with its search order
 */
record ListingScan(List<ObjectId> loose, PackSet packs) {
    /** Takes the loose ids and the packs together (see the class comment). */
    static ListingScan take(Storage storage) throws IOException {
        PackDirectory dir = storage.packs();
        for (int attempt = 1; ; attempt++) {
            PackDirSnapshot at = dir.settledScan();
            List<ObjectId> loose = new ArrayList<>();
            storage.loose().forEach(loose::add);
            PackSet packs = dir.stillAsAt(at);
            if (packs != null) {
                return new ListingScan(loose, packs);
            }
            if (attempt == PackDirectory.MAX_SCANS) {
                throw dir.unsettled("listings of the loose objects");
            }
            try {
                Thread.sleep(attempt); // let git finish the step it is at
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while listing the objects");
            }
        }
    }
}
