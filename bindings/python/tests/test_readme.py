"""The README's rotation example runs and prints what the README says."""
import contextlib
import io
import pathlib
import re
import unittest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


class ReadmeTest(unittest.TestCase):
    def test_rotation_example(self):
        text = README.read_text(encoding="utf-8")
        section = text[text.index("## Rotations and schedules"):]
        code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
        expected = re.search(r"```text\n(.*?)```", section, re.S).group(1)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(README), "exec"), {"__name__": "readme"})
        self.assertEqual(out.getvalue(), expected)


if __name__ == "__main__":
    unittest.main()
