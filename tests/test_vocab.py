import numpy as np
import pytest

from textgen import CharVocab, WordVocab, detokenize_words, load_vocab, tokenize_words, vocab_from_dict


def test_char_roundtrip_and_sorted_ids():
    v = CharVocab.build("hello world\n")
    assert v.itos == ["\ufffd", "\n", " ", "d", "e", "h", "l", "o", "r", "w"]
    ids = v.encode("hello")
    assert ids.dtype == np.int64 and ids.tolist() == [5, 4, 6, 6, 7]
    assert v.decode(ids) == "hello"
    assert len(v) == v.size == 10


def test_char_unknown_is_an_error_naming_the_characters():
    v = CharVocab.build("abc")
    with pytest.raises(ValueError, match=r"2 character\(s\) not in the vocabulary: 'x', 'z' -- remove them, or pass allow_unknown=True"):
        v.encode("abzxz")


def test_char_unknown_opt_in():
    v = CharVocab.build("abc")
    assert v.encode("axb", allow_unknown=True).tolist() == [1, 0, 2]
    assert v.decode([1, 0, 2]) == "a\ufffdb"


def test_decode_rejects_out_of_range():
    v = CharVocab.build("abc")
    with pytest.raises(ValueError, match=r"ids outside 0..3: '7'"):
        v.decode([1, 7])


def test_empty_training_text():
    with pytest.raises(ValueError, match="cannot build a vocabulary from empty text"):
        CharVocab.build("")


def test_save_load_roundtrip(tmp_path):
    v = CharVocab.build("Grüß dich\n")
    v.save(tmp_path / "v.json")
    assert load_vocab(tmp_path / "v.json") == v
    w = WordVocab.build(tokenize_words("a b a ."))
    assert vocab_from_dict(w.to_dict()) == w


def test_require_same_explains_the_difference():
    a, b = CharVocab.build("abc"), CharVocab.build("abcä")
    a.require_same(CharVocab.build("cba"))
    with pytest.raises(ValueError, match=r"the checkpoint has a char vocabulary of 5 tokens that differs .*only in the checkpoint: 'ä'.*train a new model, or set TEXTGEN_CORPUS"):
        a.require_same(b)


def test_tokenize_words_keeps_punctuation_and_newlines():
    toks = tokenize_words("HAMLET:\nTo be, or not--to be: that's it!\n")
    assert toks == ["HAMLET", ":", "\n", "To", "be", ",", "or", "not", "--", "to", "be", ":", "that's", "it", "!", "\n"]


def test_detokenize_reads_like_the_corpus():
    text = "HAMLET:\nTo be, or not--to be: that's it!\nAy, 'tis so.\n"
    assert detokenize_words(tokenize_words(text)) == text


def test_word_vocab_min_freq_and_unknown():
    toks = tokenize_words("the cat and the dog and the bird")
    v = WordVocab.build(toks, min_freq=2)
    assert v.itos == ["<unk>", "the", "and"]
    with pytest.raises(ValueError, match=r"3 word\(s\) not in the vocabulary: 'bird', 'cat', 'dog'"):
        v.encode(toks)
    ids = v.encode(toks, allow_unknown=True)
    assert (ids == 0).sum() == 3
    assert v.coverage(toks) == pytest.approx(5 / 8)


def test_word_vocab_bad_arguments():
    with pytest.raises(ValueError, match="min_freq must be an integer >= 1"):
        WordVocab.build(["a"], min_freq=0)
    with pytest.raises(TypeError, match="call tokenize_words"):
        WordVocab.build("a b c")
