"""People: faces found (YuNet), described (dlib), and grouped into people (DBSCAN)."""

from photoindex.core.faces.analyze import FACE_DECODE_MIN_SIDE, DetectedFace, FaceAnalyzer
from photoindex.core.faces.cluster import cluster_descriptors, split_groups
from photoindex.core.faces.crops import delete_crops, face_crop_path
from photoindex.core.faces.grouping import assign_new_faces, recluster
from photoindex.core.faces.storage import (
    FaceRow,
    Person,
    delete_all_face_data,
    faces_of_person,
    faces_of_photo,
    find_person,
    hide_person,
    list_people,
    merge_people,
    move_face,
    person_photo_ids,
    remove_face_from_person,
    rename_person,
    save_faces,
    split_person,
)

__all__ = [
    "FACE_DECODE_MIN_SIDE", "DetectedFace", "FaceAnalyzer", "FaceRow", "Person", "assign_new_faces",
    "cluster_descriptors", "delete_all_face_data", "delete_crops", "face_crop_path", "faces_of_person", "faces_of_photo",
    "find_person", "hide_person", "list_people", "merge_people", "move_face", "person_photo_ids", "recluster",
    "remove_face_from_person", "rename_person", "save_faces", "split_groups", "split_person",
]
