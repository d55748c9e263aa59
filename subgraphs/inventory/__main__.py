import sys

from subgraphs.common.service import main

from .service import SERVICE

if __name__ == "__main__":
    sys.exit(main(SERVICE))
