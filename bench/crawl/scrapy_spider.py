"""The Scrapy peer of bench/crawl/run.sh: a minimal CrawlSpider that follows every link of the
site from one start URL and counts the URLs it fetched (once each: Scrapy does not mark its start
URL seen, so the link back to it is fetched a second time, and counted once). Concurrency comes from the
command line (-s CONCURRENT_REQUESTS=N -s CONCURRENT_REQUESTS_PER_DOMAIN=N); the rest is fixed
here: robots.txt off, no delay, no AutoThrottle, no depth limit, warnings only.

  scrapy runspider scrapy_spider.py -a start=http://127.0.0.1:8080/p/0.html -a count_file=N.txt
"""
from urllib.parse import urlsplit

from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class BenchSpider(CrawlSpider):
    name = "bench"
    custom_settings = {
        "ROBOTSTXT_OBEY": False,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DEPTH_LIMIT": 0,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": False,
    }
    rules = (Rule(LinkExtractor(), callback="parse_item", follow=True),)

    def __init__(self, start, count_file, *args, **kwargs):
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname]
        self.count_file = count_file
        self.pages = set()
        super().__init__(*args, **kwargs)

    def parse_start_url(self, response):
        self.pages.add(response.url)
        return []

    def parse_item(self, response):
        self.pages.add(response.url)

    def closed(self, reason):
        with open(self.count_file, "w") as out:
            out.write(f"{len(self.pages)}\n")
