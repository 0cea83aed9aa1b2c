<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>CountLabel</name>
    <message numerus="yes">
        <source>%n selected</source>
        <translation>
            <numerusform>%Ln장 선택됨</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DateRangeDialog</name>
    <message>
        <source>Photos taken between</source>
        <translation>촬영 기간</translation>
    </message>
    <message>
        <source>From</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>To</source>
        <translation>끝</translation>
    </message>
</context>
<context>
    <name>DuplicatesView</name>
    <message>
        <source>All kinds</source>
        <translation>모든 종류</translation>
    </message>
    <message>
        <source>Exact copies: the same bytes. Near-copies: the same photo resized, re-encoded, cropped, brightened or greyed. Similar shots: bursts and retakes.</source>
        <translation>완전히 같은 사본: 파일 내용이 똑같습니다. 거의 같은 사본: 같은 사진을 크기 변경, 다시 저장, 자르기, 밝기 조정 또는 흑백 처리한 것입니다. 비슷한 사진: 연속 촬영이나 다시 찍은 사진입니다.</translation>
    </message>
    <message>
        <source>How alike shots must be to count as similar (DINOv2 likeness); to the right: stricter, fewer groups</source>
        <translation>비슷한 사진으로 볼 만큼 닮은 정도(DINOv2 유사도)입니다. 오른쪽으로 갈수록 기준이 엄격해지고 그룹이 줄어듭니다</translation>
    </message>
    <message>
        <source>Apply suggestions to all groups…</source>
        <translation>모든 그룹에 추천 적용…</translation>
    </message>
    <message>
        <source>Keep the suggested photo of every group listed (or the ones you chose) and move the others to the Trash</source>
        <translation>목록의 모든 그룹에서 추천 사진(또는 직접 고른 사진)을 남기고 나머지는 휴지통으로 이동합니다</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>보기:</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Put the files of the last clean-up back from the Trash</source>
        <translation>마지막 정리에서 휴지통으로 보낸 파일을 되돌립니다</translation>
    </message>
    <message>
        <source>Move to Trash…</source>
        <translation>휴지통으로 이동…</translation>
    </message>
    <message>
        <source>Move the photos marked “Move to Trash” in this group to the desktop Trash</source>
        <translation>이 그룹에서 ‘휴지통으로 이동’으로 표시한 사진을 데스크톱 휴지통으로 옮깁니다</translation>
    </message>
    <message>
        <source>Whole photos</source>
        <translation>전체 보기</translation>
    </message>
    <message>
        <source>Zoom out to show every photo whole (or double-click one)</source>
        <translation>모든 사진이 전부 보이도록 축소합니다(사진을 두 번 클릭해도 됩니다)</translation>
    </message>
    <message numerus="yes">
        <source>{kind}: %Ln photos
{size} to gain</source>
        <translation>
            <numerusform>{kind}: 사진 %Ln장
{size} 확보 가능</numerusform>
        </translation>
    </message>
    <message>
        <source>{groups}, {files} could go, {size} to gain</source>
        <translation>{groups}, 정리할 수 있는 파일 {files}, {size} 확보 가능</translation>
    </message>
    <message numerus="yes">
        <source>%Ln groups</source>
        <translation>
            <numerusform>%Ln개 그룹</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln files</source>
        <translation>
            <numerusform>%Ln개</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{kind}&lt;/b&gt;: %Ln photos. {files} marked for the Trash ({size}).</source>
        <translation>
            <numerusform>&lt;b&gt;{kind}&lt;/b&gt;: 사진 %Ln장. 휴지통으로 보낼 파일 {files}({size}).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Keep one photo of each of the %Ln groups listed and move the others to the Trash?</source>
        <translation>
            <numerusform>목록의 %Ln개 그룹마다 사진을 한 장씩 남기고 나머지를 휴지통으로 이동할까요?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln files go to the Trash</source>
        <translation>
            <numerusform>파일 %Ln개가 휴지통으로 이동하고</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln files to the Trash…</source>
        <translation>
            <numerusform>파일 %Ln개를 휴지통으로 이동하는 중…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln files to the Trash; {size} of space came back.</source>
        <translation>
            <numerusform>파일 %Ln개를 휴지통으로 이동했습니다. {size}의 공간이 확보되었습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln skipped, left where they are:</source>
        <translation>
            <numerusform>%Ln개는 건너뛰고 그대로 두었습니다:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  and %Ln more (see the log)</source>
        <translation>
            <numerusform>  그 밖에 %Ln개 더 있음(로그 참고)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The last clean-up moved %Ln files to the Trash ({size}); Undo puts them back.</source>
        <translation>
            <numerusform>마지막 정리에서 파일 %Ln개({size})를 휴지통으로 이동했습니다. ‘실행 취소’를 누르면 되돌립니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Put %Ln files back where they were; they are indexed again now.</source>
        <translation>
            <numerusform>파일 %Ln개를 원래 위치로 되돌렸습니다. 지금 다시 색인합니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exact copies</source>
        <translation>완전히 같은 사본</translation>
    </message>
    <message>
        <source>Near-copies</source>
        <translation>거의 같은 사본</translation>
    </message>
    <message>
        <source>Similar shots</source>
        <translation>비슷한 사진</translation>
    </message>
    <message>
        <source>largest resolution</source>
        <translation>해상도가 가장 높음</translation>
    </message>
    <message>
        <source>sharpest</source>
        <translation>가장 선명함</translation>
    </message>
    <message>
        <source>least compressed</source>
        <translation>압축이 가장 적음</translation>
    </message>
    <message>
        <source>has EXIF date and camera</source>
        <translation>EXIF 촬영 날짜와 카메라 정보 있음</translation>
    </message>
    <message>
        <source>oldest file</source>
        <translation>가장 오래된 파일</translation>
    </message>
    <message>
        <source>first by name (the copies are alike in every way)</source>
        <translation>이름순으로 첫 번째(모든 면에서 똑같은 사본)</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>Suggested keeper: {path} ({reason})</source>
        <translation>남길 사진 추천: {path} ({reason})</translation>
    </message>
    <message>
        <source>Similar shots at least {value} alike</source>
        <translation>비슷한 사진 기준: 유사도 {value} 이상</translation>
    </message>
    <message>
        <source>No duplicates here.</source>
        <translation>여기에는 중복 사진이 없습니다.</translation>
    </message>
    <message>
        <source>No duplicates found. New photos are checked as they are indexed.</source>
        <translation>중복 사진이 없습니다. 새 사진은 색인할 때 확인합니다.</translation>
    </message>
    <message>
        <source>This photo cannot be shown: {reason}</source>
        <translation>이 사진을 표시할 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>중복 사진</translation>
    </message>
    <message>
        <source>Keep at least one photo of the group: mark one “Keep”.</source>
        <translation>그룹에서 사진을 한 장 이상 남겨야 합니다. 한 장을 ‘남기기’로 표시하세요.</translation>
    </message>
    <message>
        <source>Move the photos marked in this group to the Trash?</source>
        <translation>이 그룹에서 표시한 사진을 휴지통으로 이동할까요?</translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>휴지통으로 이동</translation>
    </message>
    <message>
        <source>{files}, and {size} of space comes back. They stay in the desktop Trash, and you can undo this while they are there.</source>
        <translation>{files} {size}의 공간이 확보됩니다. 파일은 데스크톱 휴지통에 남아 있으며, 그동안에는 실행 취소할 수 있습니다.</translation>
    </message>
    <message>
        <source>Putting the files back…</source>
        <translation>파일을 되돌리는 중…</translation>
    </message>
</context>
<context>
    <name>FailuresPanel</name>
    <message>
        <source>permission denied: the file cannot be read</source>
        <translation>권한이 없어 파일을 읽을 수 없음</translation>
    </message>
    <message>
        <source>file disappeared before it could be read</source>
        <translation>읽기 전에 파일이 사라짐</translation>
    </message>
    <message>
        <source>empty file (0 bytes)</source>
        <translation>빈 파일(0바이트)</translation>
    </message>
    <message>
        <source>is a folder, not a file</source>
        <translation>파일이 아니라 폴더임</translation>
    </message>
    <message>
        <source>not an image, or a format photoindex cannot read</source>
        <translation>이미지가 아니거나 photoindex가 읽을 수 없는 형식</translation>
    </message>
    <message>
        <source>image too large to decode in memory</source>
        <translation>이미지가 너무 커서 메모리에서 디코딩할 수 없음</translation>
    </message>
    <message>
        <source>truncated file: the image data ends early</source>
        <translation>잘린 파일: 이미지 데이터가 중간에 끝남</translation>
    </message>
    <message>
        <source>These files look like photos but could not be read. They are skipped; fix or replace them and they are picked up by the next scan. Right-click a row to copy its path.</source>
        <translation>사진으로 보이지만 읽을 수 없었던 파일입니다. 이 파일들은 건너뛰며, 고치거나 바꿔 두면 다음 검사 때 다시 가져옵니다. 줄을 오른쪽 클릭하면 경로를 복사할 수 있습니다.</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>사진</translation>
    </message>
    <message>
        <source>Why it could not be read</source>
        <translation>읽을 수 없는 이유</translation>
    </message>
    <message numerus="yes">
        <source>%Ln files could not be read</source>
        <translation>
            <numerusform>파일 %Ln개를 읽을 수 없습니다</numerusform>
        </translation>
    </message>
    <message>
        <source>Every photo could be read.</source>
        <translation>모든 사진을 읽었습니다.</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>경로 복사</translation>
    </message>
    <message>
        <source>Reveal in file manager</source>
        <translation>파일 관리자에서 보기</translation>
    </message>
</context>
<context>
    <name>FirstRunPanel</name>
    <message>
        <source>Download</source>
        <translation>다운로드</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <source>Use model files from a folder…</source>
        <translation>폴더에 있는 모델 파일 사용…</translation>
    </message>
    <message>
        <source>Search by words needs its models</source>
        <translation>문장으로 검색하려면 검색 모델이 필요합니다</translation>
    </message>
    <message>
        <source>Checking which models are on this computer…</source>
        <translation>이 컴퓨터에 있는 모델을 확인하는 중…</translation>
    </message>
    <message>
        <source>To find photos by what they show, photoindex needs its search models: {size} to download once. Your photos never leave this computer. Meanwhile you can add folders and browse your photos.</source>
        <translation>사진에 담긴 내용으로 찾으려면 검색 모델이 필요합니다. 처음 한 번 {size}를 내려받습니다. 사진은 이 컴퓨터 밖으로 나가지 않습니다. 그동안에도 폴더를 추가하고 사진을 둘러볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Downloading the search models ({size})…</source>
        <translation>검색 모델을 내려받는 중({size})…</translation>
    </message>
    <message>
        <source>The download is paused. It continues where it stopped.</source>
        <translation>다운로드를 일시 정지했습니다. 다시 시작하면 멈춘 곳부터 이어받습니다.</translation>
    </message>
    <message>
        <source>The models could not be downloaded: {reason}</source>
        <translation>모델을 내려받지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>That folder does not hold the model files: {reason}</source>
        <translation>그 폴더에 모델 파일이 없습니다: {reason}</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>계속</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{total} 중 {done}</translation>
    </message>
    <message>
        <source>{done} of {total} · {speed}/s · {left} left</source>
        <translation>{total} 중 {done} · 초당 {speed} · {left} 남음</translation>
    </message>
    <message numerus="yes">
        <source>about %n hour(s)</source>
        <translation>
            <numerusform>약 %Ln시간</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n minute(s)</source>
        <translation>
            <numerusform>약 %Ln분</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>%Ln초</numerusform>
        </translation>
    </message>
    <message>
        <source>Folder with the model files</source>
        <translation>모델 파일이 있는 폴더</translation>
    </message>
</context>
<context>
    <name>FolderTree</name>
    <message numerus="yes">
        <source>{folder} · %n photos</source>
        <translation>
            <numerusform>{folder} · 사진 %Ln장</numerusform>
        </translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>다시 검사</translation>
    </message>
    <message>
        <source>Reveal in file manager</source>
        <translation>파일 관리자에서 보기</translation>
    </message>
    <message>
        <source>Remove from library…</source>
        <translation>보관함에서 제거…</translation>
    </message>
    <message>
        <source>Only a folder you added can be removed; its subfolders come with it</source>
        <translation>직접 추가한 폴더만 제거할 수 있으며, 하위 폴더도 함께 제거됩니다</translation>
    </message>
</context>
<context>
    <name>IndexProgress</name>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Pause indexing after the current batch</source>
        <translation>지금 처리 중인 묶음이 끝나면 색인을 일시 정지합니다</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Stop indexing; what is done is kept, and the next run goes on from there</source>
        <translation>색인을 중지합니다. 지금까지 한 작업은 보존되며 다음에 이어서 진행합니다</translation>
    </message>
    <message>
        <source>Paused: {done} of {total}</source>
        <translation>일시 정지됨: {total}장 중 {done}장</translation>
    </message>
    <message>
        <source>Indexing {done} of {total}</source>
        <translation>색인 중: {total}장 중 {done}장</translation>
    </message>
    <message numerus="yes">
        <source>about %n min left</source>
        <translation>
            <numerusform>약 %Ln분 남음</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n s left</source>
        <translation>
            <numerusform>약 %Ln초 남음</numerusform>
        </translation>
    </message>
    <message>
        <source>Looking for new and changed photos…</source>
        <translation>새 사진과 바뀐 사진을 찾는 중…</translation>
    </message>
    <message>
        <source>Grouping faces into people…</source>
        <translation>얼굴을 인물별로 묶는 중…</translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation>중복 사진을 찾는 중…</translation>
    </message>
    <message>
        <source>Backing up the catalog…</source>
        <translation>카탈로그를 백업하는 중…</translation>
    </message>
    <message numerus="yes">
        <source>Switching search to %1: %L2 of %Ln photos</source>
        <translation>
            <numerusform>검색 모델 전환 중(%1): 사진 %Ln장 중 %L2장</numerusform>
        </translation>
    </message>
    <message>
        <source>{count}, {time_left}; search uses the old model until then</source>
        <translation>{count}, {time_left}. 그때까지는 이전 모델로 검색합니다</translation>
    </message>
    <message>
        <source>{count}; search uses the old model until then</source>
        <translation>{count}. 그때까지는 이전 모델로 검색합니다</translation>
    </message>
    <message>
        <source>Search is moving to another model: every photo gets a new vector in the background. Until all have one, search answers with the previous model.</source>
        <translation>검색 모델을 바꾸는 중입니다. 모든 사진을 뒤에서 새 모델로 다시 분석하며, 끝날 때까지는 이전 모델로 검색합니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n photos indexed</source>
        <translation>
            <numerusform>사진 %Ln장 색인됨</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n moved</source>
        <translation>
            <numerusform>%Ln장 이동됨</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n removed</source>
        <translation>
            <numerusform>%Ln장 제거됨</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read</source>
        <translation>
            <numerusform>%Ln장 읽을 수 없음</numerusform>
        </translation>
    </message>
    <message>
        <source>Indexing cancelled</source>
        <translation>색인이 취소되었습니다</translation>
    </message>
    <message>
        <source>Up to date</source>
        <translation>최신 상태</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>＋ Add folder…</source>
        <translation>＋ 폴더 추가…</translation>
    </message>
    <message>
        <source>Add a folder of photos to the library (or drag one onto the window)</source>
        <translation>보관함에 사진 폴더를 추가합니다(창으로 끌어다 놓아도 됩니다)</translation>
    </message>
    <message>
        <source>FOLDERS</source>
        <translation>폴더</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>보관함</translation>
    </message>
    <message>
        <source>All photos</source>
        <translation>모든 사진</translation>
    </message>
    <message>
        <source>Browse</source>
        <translation>둘러보기</translation>
    </message>
    <message>
        <source>People</source>
        <translation>인물</translation>
    </message>
    <message>
        <source>Faces grouped into people</source>
        <translation>인물별로 묶은 얼굴</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>지도</translation>
    </message>
    <message>
        <source>Every photo on a map of look-alikes</source>
        <translation>닮은 사진끼리 모아 놓은 사진 지도</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>중복 사진</translation>
    </message>
    <message>
        <source>Copies, near-copies and similar shots, side by side, with the one to keep</source>
        <translation>사본, 거의 같은 사본, 비슷한 사진을 나란히 비교하고 남길 사진을 추천합니다</translation>
    </message>
    <message>
        <source>Could not be read</source>
        <translation>읽을 수 없는 파일</translation>
    </message>
    <message>
        <source>Files that look like photos but could not be read</source>
        <translation>사진으로 보이지만 읽을 수 없었던 파일</translation>
    </message>
    <message>
        <source>Could not open the folder {folder} in the file manager.</source>
        <translation>파일 관리자에서 {folder} 폴더를 열 수 없습니다.</translation>
    </message>
    <message>
        <source>Remove from library</source>
        <translation>보관함에서 제거</translation>
    </message>
    <message numerus="yes">
        <source>Remove {folder} and its %n photos from the library?

The files stay where they are; only photoindex forgets them.</source>
        <translation>
            <numerusform>{folder} 폴더와 사진 %Ln장을 보관함에서 제거할까요?

파일은 그대로 남아 있고, photoindex의 목록에서만 빠집니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>photoindex</source>
        <translation>photoindex</translation>
    </message>
    <message>
        <source>Loading the search models…</source>
        <translation>검색 모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>Ready to search</source>
        <translation>검색 준비 완료</translation>
    </message>
    <message>
        <source>Looking for new and changed photos…</source>
        <translation>새 사진과 바뀐 사진을 찾는 중…</translation>
    </message>
    <message>
        <source>Indexing stopped: {reason}</source>
        <translation>색인이 중단되었습니다: {reason}</translation>
    </message>
    <message>
        <source>Search models unavailable</source>
        <translation>검색 모델을 사용할 수 없음</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Resuming…</source>
        <translation>다시 시작하는 중…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>계속</translation>
    </message>
    <message>
        <source>Pausing after this batch…</source>
        <translation>이번 묶음이 끝나면 일시 정지합니다…</translation>
    </message>
    <message>
        <source>Cancelling after this batch…</source>
        <translation>이번 묶음이 끝나면 취소합니다…</translation>
    </message>
    <message>
        <source>Your library has no photos yet: add a folder, and search it once it is indexed.</source>
        <translation>보관함에 아직 사진이 없습니다. 폴더를 추가하면 색인이 끝난 뒤 검색할 수 있습니다.</translation>
    </message>
    <message>
        <source>This search has no words: type what the photos show, like “dog on a beach” or “beach - people”.</source>
        <translation>검색어가 없습니다. ‘바닷가의 강아지’나 ‘바다 - 사람’처럼 사진에 담긴 것을 입력하세요.</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>검색 중…</translation>
    </message>
    <message numerus="yes">
        <source>%n similar photos</source>
        <translation>
            <numerusform>비슷한 사진 %Ln장</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n matching photos</source>
        <translation>
            <numerusform>검색된 사진 %Ln장</numerusform>
        </translation>
    </message>
    <message>
        <source>No photos are indexed yet, so there is nothing to search. They become searchable as they are indexed.</source>
        <translation>아직 색인된 사진이 없어 검색할 수 없습니다. 색인이 진행되는 대로 검색할 수 있습니다.</translation>
    </message>
    <message>
        <source>No photo stands out for that search. Untick “Only relevant” to see the closest matches anyway.</source>
        <translation>검색어와 뚜렷하게 맞는 사진이 없습니다. ‘관련 사진만’을 해제하면 가장 가까운 사진을 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Nothing found.</source>
        <translation>찾은 사진이 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n photos</source>
        <translation>
            <numerusform>사진 %Ln장</numerusform>
        </translation>
    </message>
    <message>
        <source>No photos match these filters.</source>
        <translation>이 필터에 맞는 사진이 없습니다.</translation>
    </message>
    <message>
        <source>Your photos appear here as they are indexed…</source>
        <translation>색인이 진행되면 여기에 사진이 나타납니다…</translation>
    </message>
    <message>
        <source>No photos here yet.</source>
        <translation>아직 사진이 없습니다.</translation>
    </message>
    <message>
        <source>Looking for similar photos…</source>
        <translation>비슷한 사진을 찾는 중…</translation>
    </message>
    <message>
        <source>Photos that look like {name}</source>
        <translation>{name}와(과) 닮은 사진</translation>
    </message>
    <message>
        <source>Photos that mean the same as {name}</source>
        <translation>{name}와(과) 의미가 같은 사진</translation>
    </message>
    <message>
        <source>Photos that look like the pasted picture</source>
        <translation>붙여 넣은 이미지와 닮은 사진</translation>
    </message>
    <message>
        <source>Find similar (looks like)</source>
        <translation>비슷한 사진 찾기(생김새)</translation>
    </message>
    <message>
        <source>Photos that look alike: composition, colours, the same scene (DINOv2)</source>
        <translation>구도, 색감, 장면이 닮은 사진(DINOv2)</translation>
    </message>
    <message>
        <source>Find similar (same meaning)</source>
        <translation>비슷한 사진 찾기(의미)</translation>
    </message>
    <message>
        <source>Photos of the same kind of thing, even if they look different (CLIP)</source>
        <translation>생김새는 달라도 같은 대상을 담은 사진(CLIP)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <source>Open with default application</source>
        <translation>기본 앱으로 열기</translation>
    </message>
    <message>
        <source>Reveal in file manager</source>
        <translation>파일 관리자에서 보기</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>경로 복사</translation>
    </message>
    <message>
        <source>Move to Trash…</source>
        <translation>휴지통으로 이동…</translation>
    </message>
    <message numerus="yes">
        <source>Find similar to these (%n photos)</source>
        <translation>
            <numerusform>이 사진들과 비슷한 사진 찾기(%Ln장)</numerusform>
        </translation>
    </message>
    <message>
        <source>Photos that look like these together</source>
        <translation>선택한 사진들과 전체적으로 닮은 사진</translation>
    </message>
    <message>
        <source>Copy paths</source>
        <translation>경로 복사</translation>
    </message>
    <message>
        <source>Copy to folder…</source>
        <translation>폴더로 복사…</translation>
    </message>
    <message numerus="yes">
        <source>Move %n photos to Trash…</source>
        <translation>
            <numerusform>사진 %Ln장을 휴지통으로 이동…</numerusform>
        </translation>
    </message>
    <message>
        <source>{path} is not there any more (moved or deleted?).</source>
        <translation>{path} 파일이 더 이상 없습니다(옮겨졌거나 삭제되었을 수 있습니다).</translation>
    </message>
    <message>
        <source>No application could open {path}.</source>
        <translation>{path} 파일을 열 수 있는 앱이 없습니다.</translation>
    </message>
    <message>
        <source>Could not show {path} in the file manager: {reason}</source>
        <translation>파일 관리자에서 {path} 파일을 보여 줄 수 없습니다: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n paths</source>
        <translation>
            <numerusform>경로 %Ln개 복사됨</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy %n photos to</source>
        <translation>
            <numerusform>사진 %Ln장을 복사할 위치</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n photos</source>
        <translation>
            <numerusform>사진 %Ln장 복사됨</numerusform>
        </translation>
    </message>
    <message>
        <source>Some photos could not be copied:</source>
        <translation>일부 사진을 복사하지 못했습니다:</translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>휴지통으로 이동</translation>
    </message>
    <message numerus="yes">
        <source>Move %n photos to the Trash?

They leave your photo folders; you can restore them from the Trash.</source>
        <translation>
            <numerusform>사진 %Ln장을 휴지통으로 이동할까요?

사진 폴더에서 빠지지만 휴지통에서 복원할 수 있습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n photos to the Trash</source>
        <translation>
            <numerusform>사진 %Ln장을 휴지통으로 이동했습니다</numerusform>
        </translation>
    </message>
    <message>
        <source>Some photos were not moved:</source>
        <translation>일부 사진은 이동하지 못했습니다:</translation>
    </message>
    <message numerus="yes">
        <source>Photos that look like these %n photos</source>
        <translation>
            <numerusform>이 사진 %Ln장과 닮은 사진</numerusform>
        </translation>
    </message>
    <message>
        <source>nearby on the map</source>
        <translation>지도에서 가까운 사진</translation>
    </message>
</context>
<context>
    <name>MapCanvas</name>
    <message>
        <source>Photo {number}</source>
        <translation>사진 {number}</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>No map yet: index some photos, then compute the map.</source>
        <translation>아직 지도가 없습니다. 사진을 색인한 뒤 지도를 만드세요.</translation>
    </message>
    <message>
        <source>Compute map</source>
        <translation>지도 만들기</translation>
    </message>
    <message>
        <source>Lay out the whole library again (new photos are placed automatically)</source>
        <translation>보관함 전체를 다시 배치합니다(새 사진은 자동으로 자리를 잡습니다)</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>화면에 맞춤</translation>
    </message>
    <message>
        <source>Show the whole map (0)</source>
        <translation>지도 전체 보기(0)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Stop computing the map; the map shown stays as it is</source>
        <translation>지도 만들기를 멈춥니다. 지금 보이는 지도는 그대로 둡니다</translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation>의미</translation>
    </message>
    <message>
        <source>Look</source>
        <translation>생김새</translation>
    </message>
    <message>
        <source>Meaning: photos about the same thing sit together (CLIP).
Look: photos that look alike sit together (DINOv2).</source>
        <translation>의미: 같은 대상을 담은 사진끼리 모입니다(CLIP).
생김새: 겉모습이 닮은 사진끼리 모입니다(DINOv2).</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>폴더</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>연도</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>인물</translation>
    </message>
    <message>
        <source>Search score</source>
        <translation>검색 점수</translation>
    </message>
    <message>
        <source>Arrange by</source>
        <translation>배치 기준</translation>
    </message>
    <message>
        <source>Colour by</source>
        <translation>색 기준</translation>
    </message>
    <message numerus="yes">
        <source>%n photos</source>
        <translation>
            <numerusform>사진 %Ln장</numerusform>
        </translation>
    </message>
    <message>
        <source>No search: search to light up its photos</source>
        <translation>검색하지 않음: 검색하면 해당 사진이 강조됩니다</translation>
    </message>
    <message>
        <source>Best match</source>
        <translation>가장 잘 맞음</translation>
    </message>
    <message>
        <source>Good match</source>
        <translation>잘 맞음</translation>
    </message>
    <message>
        <source>Weak match</source>
        <translation>약간 맞음</translation>
    </message>
    <message>
        <source>Not found by the search</source>
        <translation>검색되지 않음</translation>
    </message>
    <message>
        <source>{folder} ({count})</source>
        <translation>{folder}({count})</translation>
    </message>
    <message>
        <source>{name} ({count})</source>
        <translation>{name}({count})</translation>
    </message>
    <message>
        <source>Unnamed</source>
        <translation>이름 없음</translation>
    </message>
    <message>
        <source>{year} ({count})</source>
        <translation>{year}년({count})</translation>
    </message>
    <message>
        <source>Other folders ({count})</source>
        <translation>기타 폴더({count})</translation>
    </message>
    <message>
        <source>Other people ({count})</source>
        <translation>기타 인물({count})</translation>
    </message>
    <message>
        <source>No folder ({count})</source>
        <translation>폴더 없음({count})</translation>
    </message>
    <message>
        <source>Date unknown ({count})</source>
        <translation>날짜 모름({count})</translation>
    </message>
    <message>
        <source>No one recognised ({count})</source>
        <translation>인식된 인물 없음({count})</translation>
    </message>
    <message>
        <source>Loading the map…</source>
        <translation>지도를 불러오는 중…</translation>
    </message>
    <message numerus="yes">
        <source>placing %n new</source>
        <translation>
            <numerusform>새 사진 %Ln장 배치 중</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not placed yet</source>
        <translation>
            <numerusform>%Ln장 아직 배치 안 됨</numerusform>
        </translation>
    </message>
    <message>
        <source>{percent} changed since the last layout: Recompute map to refresh</source>
        <translation>마지막 배치 이후 {percent} 바뀌었습니다. ‘지도 다시 만들기’로 새로 고치세요</translation>
    </message>
    <message>
        <source>computing was cancelled</source>
        <translation>지도 만들기가 취소됨</translation>
    </message>
    <message>
        <source>Recompute map</source>
        <translation>지도 다시 만들기</translation>
    </message>
    <message>
        <source>Could not read the map: {message}</source>
        <translation>지도를 읽지 못했습니다: {message}</translation>
    </message>
    <message>
        <source>Switching…</source>
        <translation>바꾸는 중…</translation>
    </message>
    <message>
        <source>Computing the map…</source>
        <translation>지도를 만드는 중…</translation>
    </message>
    <message>
        <source>Placing new photos…</source>
        <translation>새 사진을 배치하는 중…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>Map failed: {reason}</source>
        <translation>지도를 만들지 못했습니다: {reason}</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Add Folder…</source>
        <translation>폴더 추가(&amp;A)…</translation>
    </message>
    <message>
        <source>Add a folder of photos to the library</source>
        <translation>보관함에 사진 폴더를 추가합니다</translation>
    </message>
    <message>
        <source>&amp;Rescan Folders</source>
        <translation>폴더 다시 검사(&amp;R)</translation>
    </message>
    <message>
        <source>Look for new, changed and removed photos</source>
        <translation>새 사진, 바뀐 사진, 지워진 사진을 찾습니다</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>설정(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>편집(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>실행 취소(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>다시 실행(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>찾기(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Paste Image to Search</source>
        <translation>이미지 붙여 넣어 검색(&amp;P)</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>모두 선택(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Copy Paths</source>
        <translation>경로 복사(&amp;C)</translation>
    </message>
    <message>
        <source>Move to &amp;Trash…</source>
        <translation>휴지통으로 이동(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>Larger Thumbnails</source>
        <translation>썸네일 크게</translation>
    </message>
    <message>
        <source>Smaller Thumbnails</source>
        <translation>썸네일 작게</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>이동(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;All Photos</source>
        <translation>모든 사진(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;People</source>
        <translation>인물(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Map</source>
        <translation>지도(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Duplicates</source>
        <translation>중복 사진(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>photoindex &amp;Help</source>
        <translation>photoindex 도움말(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About photoindex</source>
        <translation>photoindex 정보(&amp;A)</translation>
    </message>
    <message>
        <source># photoindex

Add your photo folders (File → Add Folder…), then type what a photo shows in the search field (Ctrl+F). Right-click a photo to find similar ones; select several for more.</source>
        <translation># photoindex

사진 폴더를 추가한 다음(파일 → 폴더 추가…), 검색 칸(Ctrl+F)에 사진에 담긴 내용을 입력하세요. 사진을 오른쪽 클릭하면 비슷한 사진을 찾을 수 있고, 여러 장을 선택하면 더 많은 기능을 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>photoindex Help</source>
        <translation>photoindex 도움말</translation>
    </message>
    <message>
        <source>&lt;p&gt;Find any photo on your own computer by what it shows. Everything stays on this computer.&lt;/p&gt;</source>
        <translation>&lt;p&gt;내 컴퓨터에 있는 사진을 사진에 담긴 내용으로 찾습니다. 모든 데이터는 이 컴퓨터에만 있습니다.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Models and the licences of their weights:</source>
        <translation>모델과 가중치 라이선스:</translation>
    </message>
    <message>
        <source>About photoindex</source>
        <translation>photoindex 정보</translation>
    </message>
</context>
<context>
    <name>PeopleView</name>
    <message>
        <source>Unnamed</source>
        <translation>이름 없음</translation>
    </message>
    <message>
        <source>%n photos</source>
        <translation>사진 %Ln장</translation>
    </message>
    <message>
        <source>%n faces</source>
        <translation>얼굴 %Ln개</translation>
    </message>
    <message>
        <source>{name} (hidden): {faces} in {photos}. Double-click for their photos.</source>
        <translation>{name}(숨김): {photos}에서 {faces}. 두 번 클릭하면 이 인물의 사진을 봅니다.</translation>
    </message>
    <message>
        <source>{name}: {faces} in {photos}. Double-click for their photos.</source>
        <translation>{name}: {photos}에서 {faces}. 두 번 클릭하면 이 인물의 사진을 봅니다.</translation>
    </message>
    <message>
        <source>Confirmed by you</source>
        <translation>직접 확인함</translation>
    </message>
    <message>
        <source>Found automatically; right-click if it is someone else</source>
        <translation>자동으로 찾았습니다. 다른 사람이면 오른쪽 클릭하세요</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>실행 취소(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>다시 실행(&amp;R)</translation>
    </message>
    <message>
        <source>Merge selected</source>
        <translation>선택한 인물 합치기</translation>
    </message>
    <message>
        <source>Several people that are one: select them (Ctrl+click) and merge, or drag one onto another</source>
        <translation>같은 사람이 여럿으로 나뉘었다면 모두 선택(Ctrl+클릭)해서 합치거나, 한 명을 다른 사람 위로 끌어다 놓으세요</translation>
    </message>
    <message>
        <source>Show hidden</source>
        <translation>숨긴 인물 보기</translation>
    </message>
    <message numerus="yes">
        <source>%n people, {named} named</source>
        <translation>
            <numerusform>인물 %Ln명(이름 있는 인물 {named}명)</numerusform>
        </translation>
    </message>
    <message>
        <source>No people yet: faces are found while photos are indexed.</source>
        <translation>아직 인물이 없습니다. 사진을 색인하면서 얼굴을 찾습니다.</translation>
    </message>
    <message>
        <source>People</source>
        <translation>인물</translation>
    </message>
    <message>
        <source>This person</source>
        <translation>이 인물</translation>
    </message>
    <message numerus="yes">
        <source>{name}: %n faces. Right-click a face that is someone else.</source>
        <translation>
            <numerusform>{name}: 얼굴 %Ln개. 다른 사람의 얼굴은 오른쪽 클릭하세요.</numerusform>
        </translation>
    </message>
    <message>
        <source>Rename to “{name}”</source>
        <translation>이름 바꾸기: ‘{name}’</translation>
    </message>
    <message>
        <source>Remove name</source>
        <translation>이름 지우기</translation>
    </message>
    <message>
        <source>Merge people</source>
        <translation>인물 합치기</translation>
    </message>
    <message numerus="yes">
        <source>Merge these %n people into one?</source>
        <translation>
            <numerusform>이 %Ln명을 한 사람으로 합칠까요?</numerusform>
        </translation>
    </message>
    <message>
        <source>{names}

Their faces become one person. You can undo this (Ctrl+Z).</source>
        <translation>{names}

이들의 얼굴이 한 사람으로 합쳐집니다. 실행 취소(Ctrl+Z)할 수 있습니다.</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>합치기</translation>
    </message>
    <message numerus="yes">
        <source>Merge %n people</source>
        <translation>
            <numerusform>%Ln명 합치기</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Merged %n people. Wrong? Undo (Ctrl+Z) or split them from the right-click menu.</source>
        <translation>
            <numerusform>%Ln명을 합쳤습니다. 잘못 합쳤다면 실행 취소(Ctrl+Z)하거나 오른쪽 클릭 메뉴에서 나누세요.</numerusform>
        </translation>
    </message>
    <message>
        <source>Hide person</source>
        <translation>인물 숨기기</translation>
    </message>
    <message>
        <source>Unhide person</source>
        <translation>인물 숨기기 해제</translation>
    </message>
    <message numerus="yes">
        <source>Not this person (%n faces)</source>
        <translation>
            <numerusform>이 사람이 아님(얼굴 %Ln개)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n faces; they will not come back.</source>
        <translation>
            <numerusform>얼굴 %Ln개를 제외했습니다. 다시 나타나지 않습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n faces to {name}</source>
        <translation>
            <numerusform>얼굴 %Ln개를 {name} 인물로 옮기기</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to split: this person has a single face.</source>
        <translation>얼굴이 하나뿐이라 나눌 수 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>Split into %n people</source>
        <translation>
            <numerusform>%Ln명으로 나누기</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Split into %n people.</source>
        <translation>
            <numerusform>%Ln명으로 나눴습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Show photos of these %n people</source>
        <translation>
            <numerusform>이 %Ln명의 사진 보기</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Merge these %n people…</source>
        <translation>
            <numerusform>이 %Ln명 합치기…</numerusform>
        </translation>
    </message>
    <message>
        <source>Show photos</source>
        <translation>사진 보기</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>이름 바꾸기…</translation>
    </message>
    <message>
        <source>Split…</source>
        <translation>나누기…</translation>
    </message>
    <message>
        <source>Unhide</source>
        <translation>숨기기 해제</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>숨기기</translation>
    </message>
    <message>
        <source>Not this person</source>
        <translation>이 사람이 아님</translation>
    </message>
    <message>
        <source>Move to…</source>
        <translation>다른 인물로 옮기기…</translation>
    </message>
    <message>
        <source>{name} ({count})</source>
        <translation>{name}({count})</translation>
    </message>
    <message>
        <source>Show the photo</source>
        <translation>사진 보기</translation>
    </message>
</context>
<context>
    <name>PhotoCard</name>
    <message>
        <source>Wheel: zoom (every photo at once). Drag: move. Double-click: whole photo.</source>
        <translation>휠: 확대/축소(모든 사진이 함께). 드래그: 이동. 두 번 클릭: 전체 보기.</translation>
    </message>
    <message>
        <source>Suggested keeper: {reason}</source>
        <translation>남길 사진 추천: {reason}</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>남기기</translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>휴지통으로 이동</translation>
    </message>
    <message>
        <source>{width} × {height} pixels</source>
        <translation>{width} × {height} 픽셀</translation>
    </message>
    <message>
        <source>{size} on disk</source>
        <translation>파일 크기 {size}</translation>
    </message>
    <message>
        <source>Sharpness {value}</source>
        <translation>선명도 {value}</translation>
    </message>
    <message>
        <source>Taken {date}</source>
        <translation>촬영: {date}</translation>
    </message>
    <message>
        <source>No capture date; file from {date}</source>
        <translation>촬영 날짜 없음, 파일 날짜: {date}</translation>
    </message>
    <message>
        <source>No camera recorded</source>
        <translation>카메라 정보 없음</translation>
    </message>
</context>
<context>
    <name>PhotoModel</name>
    <message>
        <source>Similarity %1</source>
        <translation>유사도 %1</translation>
    </message>
    <message>
        <source>folder name</source>
        <translation>폴더 이름</translation>
    </message>
    <message>
        <source>file name</source>
        <translation>파일 이름</translation>
    </message>
    <message>
        <source>person’s name</source>
        <translation>인물 이름</translation>
    </message>
    <message>
        <source>what the photo shows</source>
        <translation>사진 내용</translation>
    </message>
    <message>
        <source>Found by: {reasons}</source>
        <translation>찾은 근거: {reasons}</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>{date}, {time}</source>
        <translation>{date} {time}</translation>
    </message>
    <message>
        <source>{date} (UTC{offset})</source>
        <translation>{date}(UTC{offset})</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>촬영</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>날짜</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>카메라</translation>
    </message>
    <message>
        <source>Lens</source>
        <translation>렌즈</translation>
    </message>
    <message>
        <source>1/{denominator} s</source>
        <translation>1/{denominator}초</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds}초</translation>
    </message>
    <message>
        <source>f/{number}</source>
        <translation>f/{number}</translation>
    </message>
    <message>
        <source>ISO {iso}</source>
        <translation>ISO {iso}</translation>
    </message>
    <message>
        <source>{mm} mm</source>
        <translation>{mm}mm</translation>
    </message>
    <message>
        <source>{mm} mm ({mm35} mm in 35 mm terms)</source>
        <translation>{mm}mm(35mm 환산 {mm35}mm)</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>노출</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>{width} × {height} pixels ({megapixels} MP)</source>
        <translation>{width} × {height} 픽셀({megapixels}MP)</translation>
    </message>
    <message>
        <source>File size</source>
        <translation>파일 크기</translation>
    </message>
    <message>
        <source>{degrees}° N</source>
        <translation>북위 {degrees}°</translation>
    </message>
    <message>
        <source>{degrees}° S</source>
        <translation>남위 {degrees}°</translation>
    </message>
    <message>
        <source>{degrees}° E</source>
        <translation>동경 {degrees}°</translation>
    </message>
    <message>
        <source>{degrees}° W</source>
        <translation>서경 {degrees}°</translation>
    </message>
    <message>
        <source>{metres} m above sea level</source>
        <translation>해발 {metres}m</translation>
    </message>
    <message>
        <source>Open in OpenStreetMap</source>
        <translation>OpenStreetMap에서 열기</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>장소</translation>
    </message>
    <message>
        <source>Unnamed</source>
        <translation>이름 없음</translation>
    </message>
    <message>
        <source>Not sorted yet</source>
        <translation>아직 분류 안 됨</translation>
    </message>
    <message>
        <source>People</source>
        <translation>인물</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>미리보기</translation>
    </message>
    <message>
        <source>‹ Previous</source>
        <translation>‹ 이전</translation>
    </message>
    <message>
        <source>Previous photo (Left arrow)</source>
        <translation>이전 사진(왼쪽 화살표)</translation>
    </message>
    <message>
        <source>Next ›</source>
        <translation>다음 ›</translation>
    </message>
    <message>
        <source>Next photo (Right arrow)</source>
        <translation>다음 사진(오른쪽 화살표)</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>화면에 맞춤</translation>
    </message>
    <message>
        <source>Fit the photo in the window (F)</source>
        <translation>사진을 창에 맞추기(F)</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100%</translation>
    </message>
    <message>
        <source>One photo pixel per screen pixel (1)</source>
        <translation>사진 픽셀 하나를 화면 픽셀 하나로(1)</translation>
    </message>
    <message>
        <source>−</source>
        <translation>−</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>축소(-)</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>확대(+)</translation>
    </message>
    <message>
        <source>⟲</source>
        <translation>⟲</translation>
    </message>
    <message>
        <source>Turn the view left (L); the file is not changed</source>
        <translation>왼쪽으로 돌려 보기(L). 파일은 바뀌지 않습니다</translation>
    </message>
    <message>
        <source>⟳</source>
        <translation>⟳</translation>
    </message>
    <message>
        <source>Turn the view right (R); the file is not changed</source>
        <translation>오른쪽으로 돌려 보기(R). 파일은 바뀌지 않습니다</translation>
    </message>
    <message>
        <source>Faces</source>
        <translation>얼굴</translation>
    </message>
    <message>
        <source>Outline the faces found in this photo, with their names</source>
        <translation>이 사진에서 찾은 얼굴에 테두리와 이름을 표시합니다</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>정보</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>{position} of {count} {context}</source>
        <translation>{position} / {count} {context}</translation>
    </message>
    <message>
        <source>{position} of {count}</source>
        <translation>{position} / {count}</translation>
    </message>
    <message>
        <source>This photo is no longer in the library.</source>
        <translation>이 사진은 더 이상 보관함에 없습니다.</translation>
    </message>
    <message>
        <source>This photo cannot be shown.</source>
        <translation>이 사진을 표시할 수 없습니다.</translation>
    </message>
    <message>
        <source>{percent}%</source>
        <translation>{percent}%</translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message>
        <source>Search your photos: “dog on a beach at sunset”, a folder, a person’s name, “beach + sunset - people”…</source>
        <translation>사진 검색: ‘노을 지는 바닷가의 강아지’, 폴더, 인물 이름, ‘바다 + 노을 - 사람’…</translation>
    </message>
    <message>
        <source>Type what the photo shows, a folder’s or a file’s name, or a person’s name. Combine ideas: “beach + 2:sunset - people”; a path to an image works as a term. Ctrl+F or Ctrl+K comes here.</source>
        <translation>사진에 담긴 내용, 폴더나 파일 이름, 인물 이름을 입력하세요. ‘바다 + 2:노을 - 사람’처럼 조합할 수도 있고, 이미지 경로도 검색어로 쓸 수 있습니다. Ctrl+F나 Ctrl+K를 누르면 여기로 옵니다.</translation>
    </message>
    <message>
        <source>Only photos of this person; click to show everyone</source>
        <translation>이 인물의 사진만 보는 중입니다. 누르면 모두 보여 줍니다</translation>
    </message>
    <message>
        <source>All folders</source>
        <translation>모든 폴더</translation>
    </message>
    <message>
        <source>Only photos in one folder</source>
        <translation>한 폴더의 사진만 보기</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>모든 기간</translation>
    </message>
    <message>
        <source>Only photos taken in a date range</source>
        <translation>특정 기간에 찍은 사진만 보기</translation>
    </message>
    <message>
        <source>Between dates…</source>
        <translation>기간 지정…</translation>
    </message>
    <message>
        <source>Relevance</source>
        <translation>관련도순</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>최신순</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>오래된순</translation>
    </message>
    <message>
        <source>Photos are shown by date; a search can also order them by relevance</source>
        <translation>사진은 날짜순으로 보여 줍니다. 검색할 때는 관련도순으로도 정렬할 수 있습니다</translation>
    </message>
    <message>
        <source>Results stay the relevant ones; this only orders them</source>
        <translation>결과는 그대로 두고 순서만 바꿉니다</translation>
    </message>
    <message>
        <source>Only relevant</source>
        <translation>관련 사진만</translation>
    </message>
    <message>
        <source>Show only the photos that stand out for the search; untick to see the closest matches anyway</source>
        <translation>검색어와 뚜렷하게 맞는 사진만 보여 줍니다. 해제하면 가장 가까운 사진을 모두 봅니다</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Tab applies the first:</source>
        <translation>Tab 키로 첫 항목 적용:</translation>
    </message>
    <message>
        <source>{name} ✕</source>
        <translation>{name} ✕</translation>
    </message>
    <message>
        <source>Only photos of {name}</source>
        <translation>{name}의 사진만</translation>
    </message>
    <message>
        <source>Only photos in {folder}</source>
        <translation>{folder} 폴더의 사진만</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>최근 30일</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>최근 12개월</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>올해</translation>
    </message>
    <message>
        <source>Last year</source>
        <translation>작년</translation>
    </message>
    <message>
        <source>{start} – {end}</source>
        <translation>{start} – {end}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Multilingual (Korean, English and 100 more), fast</source>
        <translation>다국어(한국어, 영어 등 100여 개 언어), 빠름</translation>
    </message>
    <message>
        <source>Multilingual SigLIP, better, slower (for a GPU)</source>
        <translation>다국어 SigLIP, 더 정확, 더 느림(GPU용)</translation>
    </message>
    <message>
        <source>NLLB-CLIP, best for Korean, slowest (for a GPU)</source>
        <translation>NLLB-CLIP, 한국어에 가장 정확, 가장 느림(GPU용)</translation>
    </message>
    <message>
        <source>English only, fast (photoindex 0.x)</source>
        <translation>영어 전용, 빠름(photoindex 0.x)</translation>
    </message>
    <message>
        <source>{title} · {size}</source>
        <translation>{title} · {size}</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU(CUDA)</translation>
    </message>
    <message>
        <source>GPU (Apple)</source>
        <translation>GPU(Apple)</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>모든 코어</translation>
    </message>
    <message>
        <source>System</source>
        <translation>시스템 설정</translation>
    </message>
    <message>
        <source>The window&apos;s language; it changes the next time photoindex starts</source>
        <translation>화면 언어입니다. photoindex를 다시 시작하면 바뀝니다</translation>
    </message>
    <message>
        <source>Recognise faces and group them into people</source>
        <translation>얼굴을 인식해 인물별로 묶기</translation>
    </message>
    <message>
        <source>Turning this off deletes every face, person and face crop from the catalog</source>
        <translation>끄면 카탈로그에서 모든 얼굴, 인물, 얼굴 이미지가 삭제됩니다</translation>
    </message>
    <message>
        <source>People</source>
        <translation>인물</translation>
    </message>
    <message>
        <source>CLIP model</source>
        <translation>CLIP 모델</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>장치</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU 스레드</translation>
    </message>
    <message>
        <source>Thumbnail size</source>
        <translation>썸네일 크기</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>A new language, model, device or thread count applies the next time photoindex starts; photos are embedded again for a new model. These settings are shared with the photoindex command.</source>
        <translation>언어, 모델, 장치, 스레드 수를 바꾸면 photoindex를 다시 시작할 때 적용됩니다. 모델을 바꾸면 사진을 다시 분석합니다. 이 설정은 photoindex 명령줄 도구와 함께 씁니다.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Photo folders&lt;/b&gt;</source>
        <translation>&lt;b&gt;사진 폴더&lt;/b&gt;</translation>
    </message>
    <message>
        <source>This run uses %1 from the command line; a choice here applies when it is not given.</source>
        <translation>지금은 명령줄에서 지정한 %1 값을 사용합니다. 여기서 고른 값은 명령줄에서 지정하지 않을 때 적용됩니다.</translation>
    </message>
    <message>
        <source>This run uses %1 from the environment; a choice here applies when it is not set.</source>
        <translation>지금은 환경 변수 %1 값을 사용합니다. 여기서 고른 값은 환경 변수가 없을 때 적용됩니다.</translation>
    </message>
    <message>
        <source>A model photoindex does not list: its files come from the models folder.</source>
        <translation>photoindex 목록에 없는 모델입니다. 모델 폴더의 파일을 씁니다.</translation>
    </message>
    <message>
        <source>not published</source>
        <translation>공개된 수치 없음</translation>
    </message>
    <message>
        <source>{name} ({tag}): download {size}. Finds the right photo first for {ko} of Korean and {en} of English descriptions (Crossmodal-3600, recall@1). Speed of indexing: {speed}.</source>
        <translation>{name}({tag}): 내려받기 {size}. 한국어 설명의 {ko}, 영어 설명의 {en}에서 맞는 사진을 첫 번째로 찾습니다(Crossmodal-3600, recall@1). 색인 속도: {speed}.</translation>
    </message>
    <message>
        <source>about 6 times slower than the default</source>
        <translation>기본 모델보다 약 6배 느림</translation>
    </message>
    <message>
        <source>about 14 times slower than the default</source>
        <translation>기본 모델보다 약 14배 느림</translation>
    </message>
    <message>
        <source>fast on a CPU</source>
        <translation>CPU에서도 빠름</translation>
    </message>
    <message>
        <source>Add a photo folder</source>
        <translation>사진 폴더 추가</translation>
    </message>
    <message>
        <source>photoindex</source>
        <translation>photoindex</translation>
    </message>
    <message>
        <source>The settings could not be saved: %1</source>
        <translation>설정을 저장하지 못했습니다: %1</translation>
    </message>
</context>
<context>
    <name>SplitDialog</name>
    <message>
        <source>Split person</source>
        <translation>인물 나누기</translation>
    </message>
    <message numerus="yes">
        <source>%n faces: a separate person</source>
        <translation>
            <numerusform>얼굴 %Ln개: 다른 사람</numerusform>
        </translation>
    </message>
    <message>
        <source>+{count}</source>
        <translation>+{count}</translation>
    </message>
    <message>
        <source>These groups were found inside this person. Tick the ones that are someone else.</source>
        <translation>이 인물 안에서 찾은 묶음입니다. 다른 사람인 묶음을 체크하세요.</translation>
    </message>
</context>
<context>
    <name>ThumbDelegate</name>
    <message>
        <source>cannot show</source>
        <translation>표시할 수 없음</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>No date</source>
        <translation>날짜 없음</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to photoindex</source>
        <translation>photoindex에 오신 것을 환영합니다</translation>
    </message>
    <message>
        <source>Add the folders where your photos live. photoindex reads them — it never changes them —
learns what each photo shows, and then finds any of them from a few words.

Choose a folder, or drag one onto this window.</source>
        <translation>사진이 있는 폴더를 추가하세요. photoindex는 폴더를 읽기만 하고 절대 바꾸지 않으며,
사진마다 무엇이 담겼는지 익힌 뒤 몇 마디 말로 원하는 사진을 찾아 줍니다.

폴더를 고르거나 이 창으로 끌어다 놓으세요.</translation>
    </message>
    <message>
        <source>Add a photo folder…</source>
        <translation>사진 폴더 추가…</translation>
    </message>
    <message>
        <source>Everything stays on this computer. The search models are downloaded once; your photos can be browsed meanwhile.</source>
        <translation>모든 데이터는 이 컴퓨터에만 있습니다. 검색 모델은 한 번만 내려받으며, 그동안에도 사진을 둘러볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Add a photo folder</source>
        <translation>사진 폴더 추가</translation>
    </message>
</context>
<context>
    <name>YearScrubber</name>
    <message>
        <source>Jump to a year</source>
        <translation>연도로 이동</translation>
    </message>
</context>
<context>
    <name>ZoomPane</name>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
</context>
<context>
    <name>ZoomSlider</name>
    <message>
        <source>Thumbnail size (Ctrl+wheel, Ctrl+plus, Ctrl+minus)</source>
        <translation>썸네일 크기(Ctrl+휠, Ctrl+플러스, Ctrl+마이너스)</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>photoindex</source>
        <translation>photoindex</translation>
    </message>
</context>
</TS>
