<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CountLabel</name>
    <message numerus="yes">
        <source>%n selected</source>
        <translation>
            <numerusform>%Ln selected</numerusform>
            <numerusform>%Ln selected</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DuplicatesView</name>
    <message numerus="yes">
        <source>{kind}: %Ln photos
{size} to gain</source>
        <translation>
            <numerusform>{kind}: %Ln photo
{size} to gain</numerusform>
            <numerusform>{kind}: %Ln photos
{size} to gain</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln groups</source>
        <translation>
            <numerusform>%Ln group</numerusform>
            <numerusform>%Ln groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln files</source>
        <translation>
            <numerusform>%Ln file</numerusform>
            <numerusform>%Ln files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{kind}&lt;/b&gt;: %Ln photos. {files} marked for the Trash ({size}).</source>
        <translation>
            <numerusform>&lt;b&gt;{kind}&lt;/b&gt;: %Ln photo. {files} marked for the Trash ({size}).</numerusform>
            <numerusform>&lt;b&gt;{kind}&lt;/b&gt;: %Ln photos. {files} marked for the Trash ({size}).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Keep one photo of each of the %Ln groups listed and move the others to the Trash?</source>
        <translation>
            <numerusform>Keep one photo of the group listed and move the others to the Trash?</numerusform>
            <numerusform>Keep one photo of each of the %Ln groups listed and move the others to the Trash?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln files go to the Trash</source>
        <translation>
            <numerusform>%Ln file goes to the Trash</numerusform>
            <numerusform>%Ln files go to the Trash</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln files to the Trash…</source>
        <translation>
            <numerusform>Moving %Ln file to the Trash…</numerusform>
            <numerusform>Moving %Ln files to the Trash…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln files to the Trash; {size} of space came back.</source>
        <translation>
            <numerusform>Moved %Ln file to the Trash; {size} of space came back.</numerusform>
            <numerusform>Moved %Ln files to the Trash; {size} of space came back.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln skipped, left where they are:</source>
        <translation>
            <numerusform>%Ln skipped, left where it is:</numerusform>
            <numerusform>%Ln skipped, left where they are:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  and %Ln more (see the log)</source>
        <translation>
            <numerusform>  and %Ln more (see the log)</numerusform>
            <numerusform>  and %Ln more (see the log)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The last clean-up moved %Ln files to the Trash ({size}); Undo puts them back.</source>
        <translation>
            <numerusform>The last clean-up moved %Ln file to the Trash ({size}); Undo puts it back.</numerusform>
            <numerusform>The last clean-up moved %Ln files to the Trash ({size}); Undo puts them back.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Put %Ln files back where they were; they are indexed again now.</source>
        <translation>
            <numerusform>Put %Ln file back where it was; it is indexed again now.</numerusform>
            <numerusform>Put %Ln files back where they were; they are indexed again now.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FailuresPanel</name>
    <message numerus="yes">
        <source>%Ln files could not be read</source>
        <translation>
            <numerusform>%Ln file could not be read</numerusform>
            <numerusform>%Ln files could not be read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FirstRunPanel</name>
    <message numerus="yes">
        <source>about %n hour(s)</source>
        <translation>
            <numerusform>about %Ln hour</numerusform>
            <numerusform>about %Ln hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n minute(s)</source>
        <translation>
            <numerusform>about %Ln minute</numerusform>
            <numerusform>about %Ln minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>%Ln second</numerusform>
            <numerusform>%Ln seconds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FolderTree</name>
    <message numerus="yes">
        <source>{folder} · %n photos</source>
        <translation>
            <numerusform>{folder} · %Ln photo</numerusform>
            <numerusform>{folder} · %Ln photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IndexProgress</name>
    <message numerus="yes">
        <source>about %n min left</source>
        <translation>
            <numerusform>about %Ln min left</numerusform>
            <numerusform>about %Ln min left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n s left</source>
        <translation>
            <numerusform>about %Ln s left</numerusform>
            <numerusform>about %Ln s left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Switching search to %1: %L2 of %Ln photos</source>
        <translation>
            <numerusform>Switching search to %1: %L2 of %Ln photo</numerusform>
            <numerusform>Switching search to %1: %L2 of %Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photos indexed</source>
        <translation>
            <numerusform>%Ln photo indexed</numerusform>
            <numerusform>%Ln photos indexed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n moved</source>
        <translation>
            <numerusform>%Ln moved</numerusform>
            <numerusform>%Ln moved</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n removed</source>
        <translation>
            <numerusform>%Ln removed</numerusform>
            <numerusform>%Ln removed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read</source>
        <translation>
            <numerusform>%Ln could not be read</numerusform>
            <numerusform>%Ln could not be read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Remove {folder} and its %n photos from the library?

The files stay where they are; only photoindex forgets them.</source>
        <translation>
            <numerusform>Remove {folder} and its %Ln photo from the library?

The file stays where it is; only photoindex forgets it.</numerusform>
            <numerusform>Remove {folder} and its %Ln photos from the library?

The files stay where they are; only photoindex forgets them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n similar photos</source>
        <translation>
            <numerusform>%Ln similar photo</numerusform>
            <numerusform>%Ln similar photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching photos</source>
        <translation>
            <numerusform>%Ln matching photo</numerusform>
            <numerusform>%Ln matching photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photos</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Find similar to these (%n photos)</source>
        <translation>
            <numerusform>Find similar to this (%Ln photo)</numerusform>
            <numerusform>Find similar to these (%Ln photos)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n photos to Trash…</source>
        <translation>
            <numerusform>Move %Ln photo to Trash…</numerusform>
            <numerusform>Move %Ln photos to Trash…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n paths</source>
        <translation>
            <numerusform>Copied %Ln path</numerusform>
            <numerusform>Copied %Ln paths</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy %n photos to</source>
        <translation>
            <numerusform>Copy %Ln photo to</numerusform>
            <numerusform>Copy %Ln photos to</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n photos</source>
        <translation>
            <numerusform>Copied %Ln photo</numerusform>
            <numerusform>Copied %Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n photos to the Trash?

They leave your photo folders; you can restore them from the Trash.</source>
        <translation>
            <numerusform>Move %Ln photo to the Trash?

It leaves your photo folders; you can restore it from the Trash.</numerusform>
            <numerusform>Move %Ln photos to the Trash?

They leave your photo folders; you can restore them from the Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n photos to the Trash</source>
        <translation>
            <numerusform>Moved %Ln photo to the Trash</numerusform>
            <numerusform>Moved %Ln photos to the Trash</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Photos that look like these %n photos</source>
        <translation>
            <numerusform>Photos that look like this photo</numerusform>
            <numerusform>Photos that look like these %Ln photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message numerus="yes">
        <source>%n photos</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>placing %n new</source>
        <translation>
            <numerusform>placing %Ln new</numerusform>
            <numerusform>placing %Ln new</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not placed yet</source>
        <translation>
            <numerusform>%Ln not placed yet</numerusform>
            <numerusform>%Ln not placed yet</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PeopleView</name>
    <message numerus="yes">
        <source>%n people, {named} named</source>
        <translation>
            <numerusform>%Ln person, {named} named</numerusform>
            <numerusform>%Ln people, {named} named</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name}: %n faces. Right-click a face that is someone else.</source>
        <translation>
            <numerusform>{name}: %Ln face. Right-click a face that is someone else.</numerusform>
            <numerusform>{name}: %Ln faces. Right-click a face that is someone else.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Merge these %n people into one?</source>
        <translation>
            <numerusform>Merge this %Ln person into one?</numerusform>
            <numerusform>Merge these %Ln people into one?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Merge %n people</source>
        <translation>
            <numerusform>Merge %Ln person</numerusform>
            <numerusform>Merge %Ln people</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Merged %n people. Wrong? Undo (Ctrl+Z) or split them from the right-click menu.</source>
        <translation>
            <numerusform>Merged %Ln person. Wrong? Undo (Ctrl+Z) or split them from the right-click menu.</numerusform>
            <numerusform>Merged %Ln people. Wrong? Undo (Ctrl+Z) or split them from the right-click menu.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not this person (%n faces)</source>
        <translation>
            <numerusform>Not this person (%Ln face)</numerusform>
            <numerusform>Not this person (%Ln faces)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n faces; they will not come back.</source>
        <translation>
            <numerusform>Removed %Ln face; it will not come back.</numerusform>
            <numerusform>Removed %Ln faces; they will not come back.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n faces to {name}</source>
        <translation>
            <numerusform>Move %Ln face to {name}</numerusform>
            <numerusform>Move %Ln faces to {name}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Split into %n people</source>
        <translation>
            <numerusform>Split into %Ln person</numerusform>
            <numerusform>Split into %Ln people</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Split into %n people.</source>
        <translation>
            <numerusform>Split into %Ln person.</numerusform>
            <numerusform>Split into %Ln people.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Show photos of these %n people</source>
        <translation>
            <numerusform>Show photos of this person</numerusform>
            <numerusform>Show photos of these %Ln people</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Merge these %n people…</source>
        <translation>
            <numerusform>Merge this person…</numerusform>
            <numerusform>Merge these %Ln people…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SplitDialog</name>
    <message numerus="yes">
        <source>%n faces: a separate person</source>
        <translation>
            <numerusform>%Ln face: a separate person</numerusform>
            <numerusform>%Ln faces: a separate person</numerusform>
        </translation>
    </message>
</context>
</TS>
