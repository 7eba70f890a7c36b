"""The access key botocore resolves, as the AWS CLI would (with its role session cache in
~/.aws/cli/cache): `python3 botocore_creds.py [PROFILE]` prints it, or `ERROR <kind>`."""

import os
import sys

import botocore.session
from botocore.utils import JSONFileCache

profile = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
try:
    session = botocore.session.Session(profile=profile)
    resolver = session.get_component("credential_provider")
    resolver.get_provider("assume-role").cache = JSONFileCache(os.path.expanduser("~/.aws/cli/cache"))
    creds = session.get_credentials()
    print(creds.get_frozen_credentials().access_key if creds else "ERROR no-credentials")
except Exception as e:  # every failure is a comparable answer
    print("ERROR", type(e).__name__)
