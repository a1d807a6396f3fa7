"""Rich text keeps its formatting and loses everything that could run or load from elsewhere."""

from __future__ import annotations

from app.content.sanitize import clean, text_of


class TestClean:
    def test_keeps_formatting_links_and_tables(self) -> None:
        html = (
            "<h2>申报条件</h2><p><strong>企业</strong>须<em>在长注册</em>。</p>"
            '<ul><li>一</li></ul><table><tr><td colspan="2">表</td></tr></table>'
            '<a href="https://www.changchun.gov.cn/">市政府网站</a>'
        )
        out = clean(html)
        for kept in ("<h2>", "<strong>", "<em>", "<li>", 'colspan="2"', "市政府网站"):
            assert kept in out
        assert 'rel="noopener noreferrer"' in out

    def test_removes_script_and_style_with_their_content(self) -> None:
        out = clean("<p>正文</p><script>alert('x')</script><style>p{}</style>")
        assert out == "<p>正文</p>"

    def test_removes_event_attributes(self) -> None:
        out = clean('<p onclick="steal()">点我</p><img src="/content/1/files/2" onerror="x()">')
        assert "onclick" not in out and "onerror" not in out
        assert '<img src="/content/1/files/2">' in out

    def test_removes_javascript_and_data_links(self) -> None:
        for href in (
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:x",
            "data:text/html,x",
        ):
            out = clean(f'<a href="{href}">链接</a>')
            assert "href" not in out, (href, out)
            assert "链接" in out

    def test_images_only_from_the_platform(self) -> None:
        assert clean('<img src="/content/3/files/7" alt="图">') == (
            '<img src="/content/3/files/7" alt="图">'
        )
        for src in ("https://evil.example/a.png", "//evil.example/a.png", "http://x/a.png"):
            assert "src" not in clean(f'<img src="{src}">'), src

    def test_drops_unknown_tags_and_iframes(self) -> None:
        out = clean('<iframe src="https://x"></iframe><form><input></form><p>留下</p>')
        assert out == "<p>留下</p>"

    def test_text_of_gives_plain_text(self) -> None:
        assert text_of("<p>技术&amp;合同</p><p>登记</p>") == "技术&合同 登记"
