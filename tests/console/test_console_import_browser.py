"""The console's CSV import in a real browser at desktop size: upload ~450 rows with 3 bad ones, watch the
progress bar fill chunk by chunk, read the counts and the 3 row errors."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.async_api import Request, async_playwright

from tests.conftest import LiveService, create_key, create_tenant
from tests.console.test_console_browser import ARTIFACTS, CHROMIUM, FLAGS

ROWS = 450
BAD = {
    60: "TB-00060,SBX#IMPORT-00060,,买家60,13800000060,b60@example.com",  # characters a number cannot have
    260: "TB-00260,SBX-IMPORT-00260,nosuch,买家260,13800000260,b260@example.com",  # no such carrier
    449: "TB-00449,SBX-IMPORT-00449,,买家449,138-abc,b449@example.com",  # not a phone
}


def _csv(path: Path) -> Path:
    lines = ["订单号,快递单号,快递公司,收件人,手机,邮箱"]
    for row in range(2, ROWS + 2):  # the header is row 1
        lines.append(BAD.get(row) or f"TB-{row:05d},SBX-IMPORT-{row:05d},,买家{row},138{row:08d},b{row}@example.com")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


@pytest.fixture
async def agent_key(admin: httpx.AsyncClient) -> str:
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    return await create_key(admin, "agent", ["shop-a", "shop-b"])


@pytest.mark.timeout(180)
async def test_an_agent_imports_a_csv_and_watches_it_land(service: LiveService, agent_key: str, tmp_path: Path) -> None:
    assert Path(CHROMIUM).exists(), f"chromium not found at {CHROMIUM}: `make test` installs Debian's chromium"  # noqa: ASYNC240
    ARTIFACTS.mkdir(exist_ok=True)
    csv_file = _csv(tmp_path / "订单.csv")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(
            base_url=service.base_url, locale="zh-CN", viewport={"width": 1440, "height": 900}
        )
        page = await context.new_page()
        chunks: list[Request] = []
        page.on("request", lambda r: chunks.append(r) if r.url.endswith("/next") else None)

        await page.goto("/console/login")
        await page.fill("input[name=key]", agent_key)
        await page.click("#sign-in")
        await page.get_by_role("link", name="导入 Import").click()
        await page.select_option("select[name=tenant]", "shop-b")
        await page.set_input_files("input[name=file]", str(csv_file))
        await page.click("#upload-button")

        await page.wait_for_selector("#finished", timeout=60_000)
        assert await page.eval_on_selector("#progress", "p => [p.value, p.max]") == [ROWS, ROWS]
        assert await page.inner_text("#percent") == "100%"
        assert len(chunks) == 3  # 200 + 200 + 50 rows
        counts = [await page.inner_text(f"#{name}") for name in ("created", "existing", "failed")]
        assert counts == [str(ROWS - 3), "0", "3"]
        errors = [await row.locator("td").all_inner_texts() for row in await page.locator("tr.row-error").all()]
        assert [e[:2] for e in errors] == [
            ["60", "SBX#IMPORT-00060"],
            ["260", "SBX-IMPORT-00260"],
            ["449", "SBX-IMPORT-00449"],
        ]
        assert errors[0][2].startswith("快递单号格式不对 / tracking number has characters that are not allowed")
        assert errors[1][2].startswith("快递公司不认识")
        assert errors[2][2] == "手机号格式不对 / buyer phone is not a phone number"
        shown = await page.content()
        for row in (60, 260, 2, ROWS + 1):
            assert f"138{row:08d}" not in shown and f"b{row}@example.com" not in shown
        await page.screenshot(path=str(ARTIFACTS / "console-import.png"), full_page=True)
        await browser.close()
    landed = await service.services.db.fetchval("SELECT count(*) FROM shipments WHERE tenant_id = 'shop-b'")
    assert landed == ROWS - 3
