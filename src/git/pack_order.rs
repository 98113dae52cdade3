//! The order to read many blobs in: the order they are stored in their packs.
//!
//! A pack stores most objects as deltas against an earlier object, usually a nearby one. Read in
//! pack order, the base of a delta is, most of the time, the object just read, still in the
//! delta-base cache; read in any other order (by path, by id), most reads start again from the
//! base of a long chain and inflate it all. Kingfisher and Nosey Parker read a history this way
//! too; it is what lets a scan of history run at the speed of the object database.

use gix::hash::ObjectId;
use std::collections::HashMap;

/// The positions of `ids` sorted into pack order: by pack, then by offset within it. Objects in
/// no pack of this repository's own object directory (loose objects, alternates) come last, by
/// id. A pack index that cannot be read only loses its order, never an object.
pub fn pack_order(repo: &gix::Repository, ids: &[ObjectId]) -> Vec<usize> {
    let wanted: HashMap<ObjectId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut key = vec![(u32::MAX, 0u64); ids.len()];
    let packs = repo.objects.store_ref().path().join("pack");
    let mut indexes: Vec<std::path::PathBuf> = std::fs::read_dir(&packs)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .collect();
    indexes.sort();
    for (rank, path) in indexes.iter().enumerate() {
        let Ok(index) = gix::odb::pack::index::File::at(path, repo.object_hash()) else {
            continue;
        };
        for e in index.iter() {
            if let Some(&i) = wanted.get(&e.oid)
                && key[i].0 == u32::MAX
            {
                key[i] = (rank as u32, e.pack_offset);
            }
        }
    }
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| (key[i], ids[i]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &std::path::Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(ok.status.success(), "git {args:?}: {ok:?}");
    }

    #[test]
    fn packed_objects_come_in_offset_order_and_loose_ones_last() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q"]);
        for i in 0..5 {
            std::fs::write(d.join(format!("f{i}")), format!("content {i}\n")).unwrap();
        }
        git(d, &["add", "."]);
        git(d, &["commit", "-qm", "one"]);
        git(d, &["repack", "-adq"]);
        std::fs::write(d.join("loose"), "not packed\n").unwrap();
        git(d, &["add", "loose"]);
        let repo = gix::open(d).unwrap();
        let idx = repo.index().unwrap();
        let ids: Vec<ObjectId> = idx.entries().iter().map(|e| e.id).collect();
        let order = pack_order(&repo, &ids);
        assert_eq!(order.len(), ids.len());
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, (0..ids.len()).collect::<Vec<_>>(), "a permutation");
        // The loose blob is last; the packed ones are in increasing offset.
        let loose = idx
            .entries()
            .iter()
            .position(|e| e.path(&idx) == "loose")
            .unwrap();
        assert_eq!(*order.last().unwrap(), loose);
        let pack = std::fs::read_dir(d.join(".git/objects/pack"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "idx"))
            .unwrap();
        let index = gix::odb::pack::index::File::at(&pack, gix::hash::Kind::Sha1).unwrap();
        let offset: HashMap<ObjectId, u64> = index.iter().map(|e| (e.oid, e.pack_offset)).collect();
        let offsets: Vec<u64> = order[..order.len() - 1]
            .iter()
            .map(|&i| offset[&ids[i]])
            .collect();
        assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{offsets:?}");
    }
}
