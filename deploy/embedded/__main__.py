import sys

from deploy.embedded.cli import main

sys.exit(main())
