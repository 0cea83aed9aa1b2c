"""A small XLM-R-style tokenizer built at run time, for `--weights random` and the tests.

The real XLM-R tokenizer (250,002 pieces) comes from the hub, which tests cannot reach. This one
has the same class (transformers' XLMRobertaTokenizer, what open_clip's HFTokenizer loads for
xlm-roberta-base), the same special tokens at the same ids (<s>=0, <pad>=1, </s>=2, <unk>=3,
<mask> last) and the same kind of model (a SentencePiece-like Unigram over Metaspace words). Its vocabulary is
made, not trained (common Korean and English words, Korean particles, every Hangul syllable,
ASCII), in milliseconds and identically in every process, so random-weight vectors agree
across processes.
"""

from __future__ import annotations

from pathlib import Path

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
_EN = ("a dog cat beach sea sunset mountain snow family trip birthday cake friends city night street "
       "flower tree park river car train food coffee baby child people portrait smile red blue green "
       "photo of the on at in with and running sitting old new small big light dark sky cloud rain").split()
_KO_WORDS = ("강아지 고양이 바닷가 해변 노을 산 눈 가족 여행 생일 케이크 친구 도시 밤 거리 꽃 나무 공원 강 자동차 "
             "기차 음식 커피 아기 아이 사람 얼굴 미소 빨간 파란 초록 사진 제주도 서울 부산 바다 하늘 구름 비").split()
_PARTICLES = ("에서", "에", "의", "을", "를", "이", "가", "은", "는", "와", "과", "도", "로")


def _pieces() -> list[tuple[str, float]]:
    """The Unigram vocabulary: whole common words (with and without the word-start mark), the
    Korean particles, every Hangul syllable and every printable ASCII character, so that any
    Korean or English text tokenizes into known pieces. Scores are log-probability-like: longer
    known pieces win over their parts."""
    pieces: list[tuple[str, float]] = [(t, 0.0) for t in SPECIALS] + [("\u2581", -4.0)]
    seen = {p for p, _ in pieces}

    def add(piece: str, score: float) -> None:
        if piece not in seen:
            seen.add(piece)
            pieces.append((piece, score))

    for word in _EN + _KO_WORDS:
        add("\u2581" + word, -2.0)
        add(word, -3.0)
    for particle in _PARTICLES:
        add(particle, -2.5)
    for c in range(0x21, 0x7F):
        add(chr(c), -6.0)
    for c in range(0xAC00, 0xD7A4):
        add(chr(c), -8.0)
    return pieces


def build(folder: Path) -> int:
    """Write the tokenizer's files to folder (loadable with AutoTokenizer.from_pretrained);
    returns its vocabulary size (the text tower's vocab_size)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import XLMRobertaTokenizer

    tok = Tokenizer(models.Unigram(_pieces(), unk_id=SPECIALS.index("<unk>")))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.add_special_tokens(["<mask>"])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    fast = XLMRobertaTokenizer(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
        unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
    )
    folder.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(str(folder))
    return int(tok.get_vocab_size())
