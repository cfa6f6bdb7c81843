import pytest


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    """Kept uploads go to the test's own folder, not the instance folder."""
    app.config["ROSTER_UPLOAD_DIR"] = str(tmp_path / "imports")
    return tmp_path / "imports"
