from textstats.cli import main


def test_main_prints_summary(tmp_path, capsys):
    sample = tmp_path / "sample.txt"
    sample.write_text("the cat sat on the mat\n", encoding="utf-8")

    assert main([str(sample)]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "words: 6"
    assert out[1] == "sentences: 1"
    assert out[3] == "  the: 2"
    assert len(out) == 6
