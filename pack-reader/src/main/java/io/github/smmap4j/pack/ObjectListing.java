package io.github.smmap4j.pack;

import java.util.List;

/**
 * Where every object of a database is, taken at one moment for a listing of all of them
 * ({@link ObjectDatabase#listObjects}): the loose ids and the packs in git's order, the sources
 * {@code git cat-file --batch-all-objects --unordered} reads, in its order. Complete while git
 * repacks underneath: every object the database held when the call began, and still holds, is
 * loose here or in one of these packs (read them with {@link ObjectReader#walkPackOrder} or
 * {@link ObjectReader#walkPackInfo}, which go on by id if a pack is deleted under them). An id
 * may be in several of them (loose and packed, or in two packs).
 *
 * @param looseIds the loose object ids, as {@link ObjectDatabase#forEachLooseId} meets them
 * @param packs    the packs, in the order of {@link ObjectDatabase#packsInGitOrder}
 */
public record ObjectListing(List<ObjectId> looseIds, List<PackFile> packs) {
    /** Copies both lists. */
    public ObjectListing {
        looseIds = List.copyOf(looseIds);
        packs = List.copyOf(packs);
    }
}
