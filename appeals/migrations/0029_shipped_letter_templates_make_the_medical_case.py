"""Bring unedited letter templates up to the wording shipped on 2026-12-06 (second release).

The letters now make the medical case: the diagnosis and its course, the
treatments tried, why this drug now, and the denial type's own argument, from
the context's ``medical_case``; the criteria table and the closing cite the
numbered exhibits; the closing gives the prescriber's peer-to-peer call times;
and the patient's letter names a representative who files for the patient.  A
template still holding a body DenialHelp shipped (any version, recognised by
its SHA-256) takes today's body; one staff edited is left alone
(``replace_unedited_bodies``).
"""

from django.db import migrations

from appeals.letters.defaults import replace_unedited_bodies

# SHA-256 of every body shipped before this migration, by voice (every version in the
# project's history, so a database at any earlier release is recognised too).
EARLIER_BODIES = {
    "prescriber": {
        "0e82d00900d2e7320d0e70824b30b5351024464e7e1f5fa8b6695fbfb9d8783e",
        "0fd1fa60aa17023917a64d324fc26aea7c7742930fef3427926264614923b9b4",
        "1093a26e0cae40fdf5b984381016cc1a4f66546a204ee01c9cc29ee6e406cc25",
        "12e18cc9e119acf65159dc7e06ea0809f3df0a5501eb8e4c9e5018137cc5b430",
        "2c56784a86d61e3e1029148939650720207598708b12fd592dba014f6ae241bc",
        "2f82069ad5bfbb5eaee7a5f4773a12757d0fe63c930b7efaa2156bd60d71a481",
        "5dbd75115b316348f5d6467b955c7d4c28098ff794c6fddc773f0e2ad1b7126e",
        "6db8cc18582ec50a0938fa0769324b91f9d1f12335e39f485f212f789e414411",
        "8a4982232fc133b020d80eafb2bdc5122d2258bc1a92a991bfd16e158d7e91b0",
        "92a6b837127eb151a9e2728ec5095296e078d42174cee9b3363ba80c21b22ad4",
        "977f336e19f098b1a99a1875d1e364fbd4e453606c400edb4e7013363ab69fe3",
        "9ae2823a9ebbae7571e6c8aa67dc1b5603675b9366c14bdb1ca38c802b3130df",
        "a094f696a6fdd0de12b9ce8b612d396cc79904e1b2fd66ccad726b71e667d6f8",
        "beaa9df699b023c757b621103d4e2b03674f6cf4b7d878fc6041f06a59eda010",
        "f03898c6ddc1879f36c2fac959edd67c2dd989cf1776f361cc95263000017dfd",
        # 0028's body
        "2931b80328a6a1710614b701bc9074cb0f94acc7ffe463f29cfcb32b2b11acd6",
    },
    "patient": {
        "135943f3b56c55603612a5e3c0bdff6bb481e002b7c35fd6a7fca4f09ffbd4c2",
        "26c123fa998923f098a6d3968bb5c869807f137cc0e0da768fb5b69dd2eed38d",
        "2d0390e6103adf75c7d0a8180650b860b1ea85175222f86878e0615a5f067051",
        "4032dbc01de0cff7d4c3f939c383240c6fb4c7372a2394bba992112b26aae682",
        "52d075b8ace1b1bbd101eb79efefeba029887a9937ced90991e0fc041b8529a6",
        "68952bf63c40a32b7cad5fcd48438352e11d119712f6f25fb3568d4a7b9c55cb",
        "69c38ff314c009f6438ce971fefb2d244a5e49905be393afa739b76ba8e7e9cd",
        "922dd96edf4d6ad00ba99c9fa8425a1e3075f70a366fdb42a7dc14e4a644e74f",
        "a00119bf7709343110ecd37091fa04163600f5951c6f5cc904ab3fb1355bc60a",
        "b4a683acc21a421ae67b44972628b26cce1a3987238cab8a32cc4aae43511475",
        "b4be446ab842fa141de732a72773861ce186811d7b588f7372463be80eb38a68",
        "c5e520a629fa83cb7707273b38c91992254bc0d51b2bf993ce424f6ef7805046",
        "eca89e0d9f06bed1d9866f149a823795a35b3c8944cd21fdbe7604be26438ac6",
        "fe1186904dddbabe63c54a069c40dc1fe023a2c634380e7209e9bbacc9c0c5c2",
        # 0028's body
        "0d2f5bc46f5a14902170c0560f333dacb19c70e83858bfb1f08f5872adf60d1f",
    },
}
REASON = "Shipped wording updated (the letter makes the medical case and cites numbered exhibits)"


def update_unedited_templates(apps, schema_editor):
    replace_unedited_bodies(apps, EARLIER_BODIES, REASON)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0028_shipped_letter_templates_follow_the_request")]

    operations = [migrations.RunPython(update_unedited_templates, migrations.RunPython.noop)]
